/**
 * Resuming a whole-table partition by position, for sources that read it in the same order every time
 * (files, Source.stableOrder): the partition's checkpoint counts the rows read and marks the last of
 * them with its key (a file's `primaryKey`) or, without one, a digest of its values. A resume reads the
 * rows again without loading them, checks that the last one carries the mark, and goes on from there, so
 * nothing is loaded twice and the target is not emptied. A file changed in between is refused.
 */
import { createHash } from 'node:crypto';
import type { Row, RowBatch } from '../connectors/connector.ts';
import { MigrationFailedError } from '../core/errors.ts';
import type { TablePlan } from '../plan/plan-types.ts';

/** What identifies a read row: `key [..]` by the table's primary key, else `row <digest>` of its values. */
export type RowMark = (row: Row) => string;

const json = (values: unknown[]) =>
  JSON.stringify(values, (_key, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : Buffer.isBuffer(value) ? value.toString('base64') : value,
  );

/** The mark of rows read with the plan's columns (in the order of `plan.columns`). */
export function rowMarkOf(plan: TablePlan): RowMark {
  const positions = plan.source.primaryKey.map((k) => plan.columns.findIndex((c) => c.source.name === k));
  if (positions.length && positions.every((p) => p >= 0)) {
    return (row) => `key ${json(positions.map((p) => row[p]))}`;
  }
  return (row) => `row ${createHash('sha256').update(json(row)).digest('hex').slice(0, 16)}`;
}

/**
 * The batches of `batches` after their first `count` rows, which are dropped; the last dropped row must
 * carry `expected`.
 *
 * @throws MigrationFailedError when the source has fewer rows, or that row is another one
 */
export async function* rowsAfter(
  batches: AsyncIterable<RowBatch>,
  count: number,
  mark: RowMark,
  expected: string,
  table: string,
): AsyncGenerator<RowBatch> {
  let dropped = 0;
  for await (const batch of batches) {
    if (dropped === count) {
      yield batch;
      continue;
    }
    const take = Math.min(count - dropped, batch.length);
    dropped += take;
    if (dropped === count) {
      const found = mark(batch[take - 1]!);
      if (found !== expected) throw changed(table, count, `it has ${found}, the checkpoint has ${expected}`);
      if (take < batch.length) yield batch.slice(take);
    }
  }
  if (dropped < count) throw changed(table, count, `the source now has only ${dropped} rows`);
}

function changed(table: string, count: number, detail: string): MigrationFailedError {
  return new MigrationFailedError(
    `${table}: cannot continue after row ${count}, as the source changed since the run read it (${detail}); restore it, or start a new run.`,
  );
}
