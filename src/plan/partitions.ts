/** Splits a table into key-range partitions of roughly equal size. */
import type { TableStatistics } from '../connectors/connector.ts';
import type { PartitionPlan } from './plan-types.ts';

/**
 * One partition for a small table or one without an integer key; otherwise ⌈rows / partitionRows⌉
 * half-open key ranges of equal width over [min, max]. The first and last ranges are open-ended so a
 * row outside the sampled span is still read exactly once.
 */
export function splitIntoPartitions(stats: TableStatistics, partitionRows: number): PartitionPlan[] {
  const key = stats.partitionKey;
  if (key === null || stats.rowCount <= partitionRows) return [{ index: 0, bounds: { kind: 'whole' } }];
  const span = key.max - key.min + 1;
  const count = Math.min(Math.ceil(stats.rowCount / partitionRows), span);
  const width = Math.ceil(span / count);
  const partitions: PartitionPlan[] = [];
  for (let i = 0; i < count; i++) {
    const from = i === 0 ? null : key.min + i * width;
    const to = i === count - 1 ? null : key.min + (i + 1) * width;
    partitions.push({ index: i, bounds: { kind: 'key-range', keyColumn: key.column, from, to } });
  }
  return partitions;
}
