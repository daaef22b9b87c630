/**
 * Digests per key range computed by a database (Source.digestRanges), the target's or, where the spec
 * loads a table's rows unchanged, the source's: as ContentDigests, or null with a note saying why the
 * rows are read instead.
 */
import type { ColumnSchema, KeySpan, Source, TableSchema } from '../connectors/connector.ts';
import type { PartitionPlan } from '../plan/plan-types.ts';
import { ContentDigest } from './content-digest.ts';

/** Digests per top-level range, and the rows in none of them. */
export interface DatabaseDigests {
  digests: ContentDigest[];
  outside: number;
}

/** What to digest: `table`'s columns as stored, hashed as `hashed`, per partition by `key` (null: whole). */
export interface DigestRequest {
  table: TableSchema;
  hashed: readonly ColumnSchema[];
  key: string | null;
  partitions: readonly PartitionPlan[];
  /** `the target` or `the source`, for notes. */
  side: string;
}

/** The digests `database` computes for `request`, or null (with a note in `notes`) when it cannot. */
export async function databaseDigests(
  database: Source,
  request: DigestRequest,
  notes: string[],
): Promise<DatabaseDigests | null> {
  if (!database.digestRanges) return null;
  const { table, hashed, key, partitions, side } = request;
  const spans: KeySpan[] = key
    ? partitions.map(({ bounds }) =>
        bounds.kind === 'key-range' ? { from: bounds.from, to: bounds.to } : { from: null, to: null },
      )
    : [{ from: null, to: null }];
  let result: Awaited<ReturnType<NonNullable<Source['digestRanges']>>>;
  try {
    result = await database.digestRanges(table, hashed, key, spans);
  } catch {
    // E.g. a double outside single precision, for a column compared as single: read instead.
    notes.push(`${side} database could not compute the digests; the rows are read instead`);
    return null;
  }
  if ('unsupported' in result) {
    notes.push(`${side}'s rows are read to be hashed: ${result.unsupported}`);
    return null;
  }
  const digests = result.ranges.map(
    ({ rows, sum }) => new ContentDigest({ rows, sum: sum.toString(16).padStart(16, '0') }),
  );
  return { digests, outside: result.outside };
}
