/** Measures phases: wall time per phase, and busy time for the overlapping streaming phases. */
import { PHASES, type PhaseName, type PhaseTiming } from '../state/run-types.ts';

/** Where a streaming stage adds the time it was busy (a worker thread sends it on to the run's clock). */
export interface BusyClock {
  addBusy(phase: PhaseName, ms: number): void;
}

export class PhaseClock implements BusyClock {
  private readonly timings = new Map<PhaseName, PhaseTiming>();
  private readonly busy = new Map<PhaseName, number>();
  private readonly open = new Map<PhaseName, { startedAt: string; start: number }>();

  start(phase: PhaseName): void {
    this.open.set(phase, { startedAt: new Date().toISOString(), start: performance.now() });
  }

  /** Ends a phase and returns its timing. */
  finish(phase: PhaseName): PhaseTiming {
    const open = this.open.get(phase);
    if (!open) throw new Error(`phase ${phase} was not started`);
    this.open.delete(phase);
    const timing: PhaseTiming = {
      phase,
      startedAt: open.startedAt,
      finishedAt: new Date().toISOString(),
      durationMs: performance.now() - open.start,
      busyMs: this.busy.has(phase) ? this.busy.get(phase)! : null,
    };
    this.timings.set(phase, timing);
    return timing;
  }

  /** Adds time spent inside a streaming stage (summed over partitions running in parallel). */
  addBusy(phase: PhaseName, ms: number): void {
    this.busy.set(phase, (this.busy.get(phase) ?? 0) + ms);
  }

  /** Every phase in order; phases that never ran (a failed run) are left out. */
  all(): PhaseTiming[] {
    return PHASES.flatMap((p) => {
      const timing = this.timings.get(p);
      return timing ? [timing] : [];
    });
  }
}
