/** Phase 2, Extraction: reads one partition's rows from the source, in target column order. */
import type { RowBatch, Source } from '../connectors/connector.ts';
import type { PartitionPlan, TablePlan } from './plan-types.ts';

/** Streams the partition in batches; pull-based, so a slow consumer slows the read (backpressure). */
export function extractPartition(
  source: Source,
  plan: TablePlan,
  partition: PartitionPlan,
  batchSize: number,
): AsyncIterable<RowBatch> {
  const columns = plan.columns.map((c) => c.source.name);
  return source.read(plan.source, columns, partition.bounds, batchSize);
}
