/** Everything one execution of a run accumulates while it goes. */
import type { KeyIndex } from '../rules/key-index.ts';
import type { MigrationSpec } from '../spec/spec-schema.ts';
import type { RowCounts } from '../state/run-types.ts';
import { addCounts, emptyCounts } from './accounting.ts';
import { partitionName, type PartitionCheckpoint } from './checkpoints.ts';
import type { CompiledTable, Lookups } from './compile-programs.ts';
import type { PhaseClock } from './phase-clock.ts';
import type { MigrationPlan } from '../plan/plan-types.ts';
import type { TableVerification } from './verification-phase.ts';

export class RunState {
  /** The committed state of each partition, by partitionName: the counts are the sums of these. */
  readonly partitions = new Map<string, PartitionCheckpoint>();
  readonly rowsBefore = new Map<string, number>();
  readonly verifications = new Map<string, TableVerification>();
  readonly warnings: string[] = [];
  /** Per target table, once Planning is done. */
  compiled = new Map<string, CompiledTable>();
  /** The lookup tables the programs were compiled with: partitions on other threads compile with them. */
  lookups: Lookups = new Map();
  /** Settles once every partition of the table has ended, however it ended. */
  readonly tableSettled = new Map<string, Promise<void>>();
  plan: MigrationPlan | null = null;
  /** Worker threads this execution ran partitions on; 0: the main thread. */
  partitionThreads = 0;
  /** Rows read by this execution (not by earlier attempts), for its throughput. */
  extractedHere = 0;

  constructor(
    readonly spec: MigrationSpec,
    readonly keyIndex: KeyIndex,
    readonly clock: PhaseClock,
  ) {}

  /** Records a partition's newest committed state. */
  update(table: string, index: number, checkpoint: PartitionCheckpoint): void {
    const name = partitionName(table, index);
    const before = this.partitions.get(name)?.counts.extracted ?? checkpoint.counts.extracted;
    this.extractedHere += Math.max(0, checkpoint.counts.extracted - before);
    this.partitions.set(name, checkpoint);
  }

  countsOf(table: string): RowCounts {
    const counts = emptyCounts();
    const partitions = this.plan?.tables.find((t) => t.target.name === table)?.partitions ?? [];
    for (const p of partitions) {
      const checkpoint = this.partitions.get(partitionName(table, p.index));
      if (checkpoint) addCounts(counts, checkpoint.counts);
    }
    return counts;
  }

  totals(): RowCounts {
    const totals = emptyCounts();
    for (const table of this.plan?.tables ?? []) addCounts(totals, this.countsOf(table.target.name));
    return totals;
  }

  partitionsDone(table: string): number {
    const partitions = this.plan?.tables.find((t) => t.target.name === table)?.partitions ?? [];
    return partitions.filter((p) => this.partitions.get(partitionName(table, p.index))?.done).length;
  }

  warn(message: string, observer?: { warning?(message: string): void }): void {
    this.warnings.push(message);
    observer?.warning?.(message);
  }
}
