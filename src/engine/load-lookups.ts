/**
 * Loads the lookup tables of transform steps before the run: a source table read whole, or a CSV
 * (with header) or JSONL file. Keys are compared as text; a lookup table is expected to be small.
 */
import type { Source } from '../connectors/connector.ts';
import type { CsvOptions } from '../connectors/file/csv-options.ts';
import {
  describeCsvError,
  malformedRecordError,
  openCsvParser,
  type RawCsvRecord,
} from '../connectors/file/csv-parser.ts';
import { openJsonlLines, parseJsonlLine } from '../connectors/file/jsonl-lines.ts';
import { InputError } from '../core/errors.ts';
import type { LookupPlan, TablePlan } from '../plan/plan-types.ts';

/** Lookup files are plain RFC 4180 CSV in UTF-8, with a header. */
const LOOKUP_CSV: CsvOptions = {
  header: true,
  skipLines: 0,
  delimiter: ',',
  quote: '"',
  escape: '"',
  trim: 'none',
  raggedRows: 'reject',
  encoding: 'utf8',
  nullValue: '',
  columns: null,
};

function keyOf(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

async function loadFromFile(lookup: LookupPlan, file: string): Promise<Map<string, unknown>> {
  const entries = new Map<string, unknown>();
  if (/\.(jsonl|ndjson)$/i.test(file)) {
    let line = 0;
    for await (const text of openJsonlLines(file, 'utf8')) {
      const object = parseJsonlLine(text as string, file, ++line);
      if (object && Object.hasOwn(object, lookup.key)) {
        entries.set(
          keyOf(object[lookup.key]),
          Object.hasOwn(object, lookup.value) ? object[lookup.value] : null,
        );
      }
    }
    return entries;
  }
  let header: string[] | null = null;
  try {
    for await (const item of openCsvParser(file, LOOKUP_CSV) as AsyncIterable<RawCsvRecord>) {
      // A lookup table is small and must be exact: a malformed record refuses the file.
      if (item.malformed) throw malformedRecordError(file, item);
      const { record } = item;
      if (!header) {
        header = record;
        for (const name of [lookup.key, lookup.value]) {
          if (!header.includes(name)) {
            throw new InputError([
              {
                path: lookup.path,
                // The header is the file's content: name the column, never the header's text.
                message: `the lookup file's header (its first line, ${header.length} fields) has no column "${name}"; name a column of that header, or add it.`,
              },
            ]);
          }
        }
        continue;
      }
      entries.set(record[header.indexOf(lookup.key)] ?? '', record[header.indexOf(lookup.value)] ?? null);
    }
  } catch (error) {
    throw describeCsvError(error, file);
  }
  return entries;
}

/** Every lookup of `tables`, by step path. */
export async function loadLookups(
  tables: readonly TablePlan[],
  source: Source,
): Promise<Map<string, Map<string, unknown>>> {
  const loaded = new Map<string, Map<string, unknown>>();
  for (const lookup of tables.flatMap((t) => t.quality.lookups)) {
    if (lookup.file !== null) {
      loaded.set(lookup.path, await loadFromFile(lookup, lookup.file));
      continue;
    }
    const entries = new Map<string, unknown>();
    for await (const batch of source.read(
      lookup.table!,
      [lookup.key, lookup.value],
      { kind: 'whole' },
      5000,
    )) {
      for (const [key, value] of batch) if (key !== null && key !== undefined) entries.set(keyOf(key), value);
    }
    loaded.set(lookup.path, entries);
  }
  return loaded;
}
