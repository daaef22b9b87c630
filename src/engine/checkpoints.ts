/**
 * A partition's checkpoint: how far it got, durably. The state commits in the target in the same
 * transaction as the batch it covers (see TableWriter.write), so after a crash at any instant the
 * target holds exactly the rows its checkpoints describe, and a partition continues right after them.
 */
import type { CheckpointRecord, PartitionBounds, Sink } from '../connectors/connector.ts';
import type { TallyState } from '../rules/quality.ts';
import type { RowCounts } from '../state/run-types.ts';
import type { DigestState } from '../verify/content-digest.ts';
import { emptyCounts } from './accounting.ts';

export interface PartitionCheckpoint {
  /**
   * Batches committed so far. Rejected rows and key claims are stored per batch number, and those of
   * later batches are taken back before the partition continues.
   */
  batches: number;
  /** Key-range partitions: the partition key of the last row read; reading continues after it. */
  lastKey: number | null;
  /**
   * Whole partitions of a source that reads in a stable order (a file): the mark of the last row read
   * (resume-position.ts); reading continues after `counts.extracted` rows, the last of which must carry
   * it. Absent in checkpoints written before (or by other sources).
   */
  lastRow?: string | null;
  /** The partition's row accounting up to here. */
  counts: RowCounts;
  /** Every row of the partition is accounted for. */
  done: boolean;
  /** The process that wrote the checkpoint (`host:pid`), and its attempt at the partition. */
  owner: string;
  attempt: number;
  /** The partition's quality counts up to here. */
  quality: TallyState | null;
  /** Content digest of the rows loaded up to here, for Verification. */
  digest: DigestState | null;
}

/** The state of a partition that has not loaded anything yet. */
export function initialCheckpoint(owner: string, attempt: number): PartitionCheckpoint {
  return {
    batches: 0,
    lastKey: null,
    lastRow: null,
    counts: emptyCounts(),
    done: false,
    owner,
    attempt,
    quality: null,
    digest: null,
  };
}

/** The bounds still to read after `checkpoint`: a key range continues after its last key. */
export function remainingBounds(bounds: PartitionBounds, checkpoint: PartitionCheckpoint): PartitionBounds {
  if (bounds.kind !== 'key-range' || checkpoint.lastKey === null) return bounds;
  return { ...bounds, from: checkpoint.lastKey + 1 };
}

/** The record a sink stores for a checkpoint. */
export function checkpointRecord(
  runId: string,
  table: string,
  partition: number,
  checkpoint: PartitionCheckpoint,
): CheckpointRecord {
  return { runId, table, partition, state: JSON.stringify(checkpoint) };
}

/** Identifies a partition across the run: `orders#3`. */
export function partitionName(table: string, partition: number): string {
  return `${table}#${partition}`;
}

/** The run's checkpoints as the target holds them, by {@link partitionName}; empty for sinks without any. */
export async function readCheckpoints(sink: Sink, runId: string): Promise<Map<string, PartitionCheckpoint>> {
  const records = (await sink.checkpoints?.read(runId)) ?? [];
  return new Map(
    records.map((r) => [partitionName(r.table, r.partition), JSON.parse(r.state) as PartitionCheckpoint]),
  );
}
