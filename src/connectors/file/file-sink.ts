/** The sink shared by the file formats: one file per table in a target directory. */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open as openFile, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { FileCheck, RowBatch, Sink, TableMode, TableSchema, TableWriter } from '../connector.ts';
import { InputError } from '../../core/errors.ts';
import { createTextEncoder, type TextEncoder } from './text-encoding.ts';

/** What one file format contributes to a {@link openFileSink file sink}. */
export interface FileSinkFormat {
  /** File extension with its dot, e.g. `.csv`. */
  extension: string;
  /** The format named in messages, e.g. `CSV`. */
  formatName: string;
  /** `utf8` or an encoding iconv-lite knows. */
  encoding: string;
  /** Text that starts a new file (a CSV header line), or null. */
  header(table: TableSchema): string | null;
  /** Encodes a batch of rows of `table` (values in column order) as text ending in a line break. */
  createBatchEncoder(table: TableSchema): (batch: RowBatch) => string;
  /** Counts the data rows of a file of this format. */
  countRows(file: string): Promise<number>;
  /** Checks that rows of `table` can be appended to an existing, non-empty file; throws InputError if not. */
  checkAppend(file: string, table: TableSchema): Promise<void>;
}

/** A table being written: one stream shared by all its writers. */
interface OpenTable {
  name: string;
  file: string;
  /** Set once finalizeTable (or close) has ended the stream. */
  ended: boolean;
  stream: WriteStream;
  encodeBatch: (batch: RowBatch) => string;
  encodeText: TextEncoder;
  failure: Error | null;
}

/**
 * Opens a sink that writes each table to `<directory>/<table><extension>`, creating the directory if
 * missing.
 *
 * `prepareTable` opens one write stream per table: create/truncate (over)write the file (header first),
 * append keeps its rows (no second header) and reports them as `rowsBefore`, fail-if-exists refuses an
 * existing file. Writers of one table share that stream; each `write` encodes the whole batch into one
 * chunk and resolves once the stream has handed it to the file system, so batches never interleave and
 * a writer never has more than one chunk in flight (backpressure). `finalizeTable` ends the stream.
 *
 * @throws InputError when `directory` is an existing file
 */
export async function openFileSink(
  directory: string,
  checkFile: FileCheck,
  format: FileSinkFormat,
): Promise<Sink> {
  await ensureDirectory(directory, format.formatName);
  const tables = new Map<string, OpenTable>();
  const fileOf = (table: string): string =>
    checkFile(join(directory, `${checkTableName(table, directory)}${format.extension}`));

  const endTable = async (name: string): Promise<void> => {
    const table = tables.get(name);
    if (!table) return;
    tables.delete(name);
    table.ended = true;
    table.stream.end();
    try {
      await finished(table.stream);
      if (!table.stream.closed) await once(table.stream, 'close');
    } catch (error) {
      throw table.failure ?? error;
    }
    if (table.failure) throw table.failure;
  };

  return {
    async tableExists(name: string): Promise<boolean> {
      return (await statOrNull(fileOf(name)))?.isFile() ?? false;
    },

    async prepareTable(table: TableSchema, mode: TableMode) {
      const file = fileOf(table.name);
      await endTable(table.name);
      const info = await statOrNull(file);
      if (info && !info.isFile()) {
        throw new InputError([
          { path: file, message: 'is not a file; remove it, or write the table elsewhere.' },
        ]);
      }
      if (info && mode === 'fail-if-exists') {
        throw new InputError(
          `target file ${file} already exists; remove it or choose mode create/truncate/append.`,
        );
      }
      const encodeText = createTextEncoder(format.encoding);
      const appending = mode === 'append' && info !== null && info.size > 0;
      let rowsBefore = 0;
      let start: string | null;
      if (appending) {
        await format.checkAppend(file, table);
        rowsBefore = await format.countRows(file);
        start = (await endsWith(file, info.size, toBuffer(createTextEncoder(format.encoding)('\n'))))
          ? null
          : '\n';
      } else {
        start = format.header(table);
      }
      const stream = createWriteStream(file, { flags: appending ? 'a' : 'w' });
      const state: OpenTable = {
        name: table.name,
        file,
        ended: false,
        stream,
        encodeBatch: format.createBatchEncoder(table),
        encodeText,
        failure: null,
      };
      stream.on('error', (error) => {
        state.failure ??= error;
      });
      await once(stream, 'open');
      tables.set(table.name, state);
      if (start !== null) await writeChunk(state, encodeText(start));
      return { rowsBefore };
    },

    async openWriter(table: TableSchema): Promise<TableWriter> {
      const state = tables.get(table.name);
      if (!state) {
        throw new Error(
          `table "${table.name}" is not prepared (or already finalized); call prepareTable first.`,
        );
      }
      return {
        async write(batch: RowBatch) {
          if (batch.length === 0) return;
          await writeChunk(state, state.encodeText(state.encodeBatch(batch)));
        },
        // The stream is shared by every writer of the table; finalizeTable ends it.
        async close() {},
      };
    },

    finalizeTable: (table: TableSchema) => endTable(table.name),

    async dropTable(name: string): Promise<void> {
      await endTable(name).catch(() => {});
      await rm(fileOf(name), { force: true });
    },

    async countRows(name: string): Promise<number> {
      const file = fileOf(name);
      return (await statOrNull(file))?.isFile() ? format.countRows(file) : 0;
    },

    async close() {
      const results = await Promise.allSettled([...tables.keys()].map(endTable));
      const failed = results.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

/** Writes one chunk and resolves once the stream has passed it to the file system. */
function writeChunk(table: OpenTable, chunk: string | Buffer): Promise<void> {
  if (table.failure) return Promise.reject(table.failure);
  if (table.ended) {
    return Promise.reject(
      new Error(`table "${table.name}" is already finalized; ${table.file} takes no more rows.`),
    );
  }
  return new Promise((resolve, reject) => {
    table.stream.write(chunk, (error) => {
      if (error) reject(table.failure ?? error);
      else resolve();
    });
  });
}

/** A table name usable as a file name in `directory`: no path separators, not `.` or `..`. */
function checkTableName(name: string, directory: string): string {
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) {
    throw new InputError([
      {
        path: directory,
        message: `table name "${name}" cannot be a file name here; rename the target table (no / or \\, not . or ..).`,
      },
    ]);
  }
  return name;
}

async function ensureDirectory(directory: string, formatName: string): Promise<void> {
  const info = await statOrNull(directory);
  if (info && !info.isDirectory()) {
    throw new InputError([
      {
        path: directory,
        message: `is a file, but a ${formatName} target is a directory that receives one file per table; point path at a directory.`,
      },
    ]);
  }
  if (!info) await mkdir(directory, { recursive: true });
}

async function statOrNull(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** True when the last bytes of a file of `size` bytes are `suffix`. */
async function endsWith(file: string, size: number, suffix: Buffer): Promise<boolean> {
  if (size < suffix.length) return false;
  const handle = await openFile(file, 'r');
  try {
    const tail = Buffer.alloc(suffix.length);
    await handle.read(tail, 0, suffix.length, size - suffix.length);
    return tail.equals(suffix);
  } finally {
    await handle.close();
  }
}

function toBuffer(chunk: string | Buffer): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}
