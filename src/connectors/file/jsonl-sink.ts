/** Writes JSON Lines files: one `<table>.jsonl` per table in a target directory. */
import { OPEN_AS_GIVEN, type FileCheck, type Sink } from '../connector.ts';
import { InputError } from '../../core/errors.ts';
import type { JsonlEndpoint } from '../../spec/spec-schema.ts';
import { openFileSink } from './file-sink.ts';
import { createJsonlBatchEncoder } from './jsonl-batch-encoder.ts';
import { countJsonlRows } from './jsonl-sampler.ts';
import { resolveTextEncoding } from './text-encoding.ts';

/**
 * Opens a JSON Lines sink writing `<path>/<table>.jsonl` (the directory is created if missing) in the
 * endpoint's encoding, values encoded as {@link createJsonlBatchEncoder} describes.
 *
 * @throws InputError when `path` is a file, the encoding is unknown, or `primaryKey` is set (sources only)
 */
export async function openJsonlSink(
  endpoint: JsonlEndpoint & { path: string },
  checkFile: FileCheck = OPEN_AS_GIVEN,
): Promise<Sink> {
  const encoding = resolveTextEncoding(endpoint.encoding, endpoint.path);
  if (endpoint.primaryKey !== undefined) {
    throw new InputError([
      {
        path: endpoint.path,
        message: 'primaryKey is for reading JSON Lines files; remove it from the target.',
      },
    ]);
  }
  return openFileSink(endpoint.path, checkFile, {
    extension: '.jsonl',
    formatName: 'JSON Lines',
    encoding,
    header: () => null,
    createBatchEncoder: (table) => createJsonlBatchEncoder(table.columns),
    countRows: (file) => countJsonlRows(file, encoding),
    checkAppend: async () => {},
  });
}
