/**
 * Loads the lookup tables of transform steps before the run: a source table read whole, or a CSV
 * (with header) or JSONL file opened as a file source. Keys are compared as text; a lookup table is
 * expected to be small.
 */
import type { Source, TableSchema } from '../connectors/connector.ts';
import { openCsvSource, openJsonlSource } from '../connectors/file/index.ts';
import { rowDefect } from '../connectors/row-defect.ts';
import { InputError, MigrationFailedError } from '../core/errors.ts';
import type { LookupPlan, TablePlan } from '../plan/plan-types.ts';

/** Rows per batch when a lookup is read. */
const BATCH_ROWS = 5000;

function keyOf(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

/**
 * Opens a lookup file as a source: plain RFC 4180 CSV in UTF-8 with a header, or JSON Lines
 * (`.jsonl`, `.ndjson`). Bytes that are not UTF-8 read as U+FFFD, as they always have for lookups.
 */
function openLookupFile(file: string): Promise<Source> {
  if (/\.(jsonl|ndjson)$/i.test(file)) {
    return openJsonlSource({ type: 'jsonl', path: file, encoding: 'utf8', invalidText: 'replace' });
  }
  return openCsvSource({
    type: 'csv',
    path: file,
    header: true,
    skipLines: 0,
    delimiter: ',',
    quote: '"',
    escape: '"',
    trim: 'none',
    raggedRows: 'reject',
    encoding: 'utf8',
    nullValue: '',
    invalidText: 'replace',
  });
}

/**
 * The file's one table, with the lookup's key and value columns checked against its header.
 *
 * @throws InputError naming the step's spec path when a column is missing
 */
async function lookupTable(source: Source, lookup: LookupPlan, csv: boolean): Promise<TableSchema> {
  const [table] = await source.introspector.listTables();
  // JSON Lines objects may hold keys beyond the ones sampled: only a CSV header is complete.
  if (!csv) return table!;
  const names = table!.columns.map((column) => column.name);
  for (const name of [lookup.key, lookup.value]) {
    if (!names.includes(name)) {
      throw new InputError([
        {
          path: lookup.path,
          // The header is the file's content: name the column, never the header's text.
          message: `the lookup file's header (its first line, ${names.length} fields) has no column "${name}"; name a column of that header, or add it.`,
        },
      ]);
    }
  }
  return table!;
}

async function loadFromFile(lookup: LookupPlan, file: string): Promise<Map<string, unknown>> {
  const csv = !/\.(jsonl|ndjson)$/i.test(file);
  const entries = new Map<string, unknown>();
  const source = await openLookupFile(file);
  try {
    const table = await lookupTable(source, lookup, csv);
    for await (const batch of source.read(table, [lookup.key, lookup.value], { kind: 'whole' }, BATCH_ROWS)) {
      for (const row of batch) {
        const [key, value] = row;
        if (csv) {
          // A lookup table is small and must be exact: a malformed or ragged record refuses the file.
          const defect = rowDefect(row);
          if (defect !== undefined) {
            throw new InputError([
              {
                path: lookup.path,
                message: `a lookup file must be exact, and this one has a record that cannot be read as it is (${defect}); fix the file there.`,
              },
            ]);
          }
          // An empty field is an empty string here, not NULL.
          entries.set(keyOf(key ?? ''), value ?? '');
        } else if (key !== null && key !== undefined) {
          entries.set(keyOf(key), value);
        }
      }
    }
  } catch (error) {
    // Lookups are loaded before any row moves: bad input found while reading stays bad input.
    if (error instanceof MigrationFailedError && error.cause instanceof InputError) throw error.cause;
    throw error;
  } finally {
    await source.close();
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
      BATCH_ROWS,
    )) {
      for (const [key, value] of batch) if (key !== null && key !== undefined) entries.set(keyOf(key), value);
    }
    loaded.set(lookup.path, entries);
  }
  return loaded;
}
