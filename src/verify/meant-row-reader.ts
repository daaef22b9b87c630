/**
 * What content verification reads the meant side through: the source's rows as the spec makes them.
 * Verification does not compute them; whoever runs it (the engine, see engine/meant-rows.ts) gives it a
 * reader.
 */
import type { PartitionBounds, RowBatch } from '../connectors/connector.ts';

/** Reads the meant rows of a range of the source (bounds in source terms) of partition `partition`. */
export type MeantRowReader = ((bounds: PartitionBounds, partition: number) => AsyncGenerator<RowBatch>) & {
  /** Frees the throwaway key index. */
  close(): void;
  /**
   * Values of the meant rows read so far (every read, re-reads included) that the source replaced
   * because they held invalid text (`invalidText: replace | null`): meant as replaced, not as the source holds them.
   */
  replacedValues(): number;
};
