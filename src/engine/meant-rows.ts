/**
 * What a run meant to load, recomputed from the source: a range of the source read as the pipeline
 * reads it, through the table's compiled transforms and rules in recompute mode (no key-index claims,
 * every row the filter keeps), without the rows the run rejected. Rows come out in target column order.
 */
import type { PartitionBounds, Row, RowBatch, Source } from '../connectors/connector.ts';
import { replacedValues } from '../connectors/row-defect.ts';
import type { CompiledTable } from './compile-programs.ts';
import type { TablePlan } from '../plan/plan-types.ts';
import type { MeantRowReader } from '../verify/meant-row-reader.ts';
import { compileTransform } from './transform.ts';
import { compileValidator } from './validate.ts';
import { KeyIndex } from '../rules/key-index.ts';
import { QualityTally } from '../rules/quality.ts';

/** What the reader needs of a content-verification job. */
export interface MeantRowsJob {
  plan: TablePlan;
  compiled: CompiledTable;
  source: Source;
  isExcluded(sourceKey: string): boolean;
  batchSize: number;
}

/**
 * The key a run gives a rejected source row (RejectedRow.key): its primary-key values as JSON, or for a
 * table without one its position in the partition (`#partition:row`), counted from the partition's start.
 */
function sourceKeyOf(plan: TablePlan): (row: Row, partition: number, position: number) => string {
  const positions = plan.keyPositions;
  if (!positions.length) return (_row, partition, position) => `#${partition}:${position}`;
  const replacer = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);
  return (row) =>
    JSON.stringify(
      positions.map((p) => row[p]),
      replacer,
    );
}

/** Compiles the meant-row reader of one table. */
export function meantRowReader(job: MeantRowsJob): MeantRowReader {
  const { plan, compiled, source, batchSize } = job;
  const keyIndex = new KeyIndex(':memory:');
  const transform = compileTransform(plan, compiled.program);
  const tally = new QualityTally(
    plan.target.name,
    compiled.program.descriptors,
    plan.target.columns.map((c) => c.name),
  );
  const validate = compileValidator(plan, compiled.program, keyIndex, tally, { recompute: true });
  const sourceKey = sourceKeyOf(plan);
  const columns = plan.columns.map((c) => c.source.name);
  let replaced = 0;
  async function* read(bounds: PartitionBounds, partition: number): AsyncGenerator<RowBatch> {
    let position = 0;
    for await (const batch of source.read(plan.source, columns, bounds, batchSize)) {
      const transformed = transform(batch);
      // In recompute mode `accepted` holds every row the filter kept, in batch order.
      const { accepted } = validate(batch, transformed);
      const rows: RowBatch = [];
      let next = 0;
      for (let r = 0; r < batch.length; r++) {
        if (transformed.rows[r] === null) continue;
        const row = accepted[next++]!;
        if (job.isExcluded(sourceKey(batch[r]!, partition, position + r))) continue;
        rows.push(row);
        replaced += replacedValues(batch[r]!)?.length ?? 0;
      }
      position += batch.length;
      if (rows.length) yield rows;
    }
  }
  return Object.assign(read, { close: () => keyIndex.close(), replacedValues: () => replaced });
}
