/**
 * An interrupted run: one whose executing process, or the service steering it, went away without
 * being asked to stop. It is resumable, and every reader (the API, `jivs status`, the service's start
 * with JIVS_AUTO_RESUME) shows it as `interrupted`. It is stored in one of two ways:
 * - `running`, with an owner process that no longer exists (the run's own process crashed or was
 *   killed, so nothing recorded its end);
 * - `paused`, with an error starting with {@link INTERRUPTED}: the run's process saw the service go
 *   away (a crash or kill of `jivs serve`) and stopped at a batch boundary by itself.
 */
import { MigrationFailedError } from '../core/errors.ts';
import { ownerMayBeAlive } from './run-owner.ts';

/** The run stopped on request (Ctrl-C, SIGTERM, a pause) at a batch boundary: it is paused, not failed. */
export class RunPaused extends MigrationFailedError {}

/** The error of a run that paused itself because the service steering it went away starts with this. */
export const INTERRUPTED = 'interrupted: ';

/** What such a run's error says. */
export const SERVICE_WENT_AWAY = `${INTERRUPTED}the service executing the run went away (it crashed or was killed); resume the run.`;

/** The fields of a stored run that tell whether it was interrupted. */
export interface InterruptibleRun {
  status: string;
  owner: string | null;
  error: string | null;
}

/** True when `run` was interrupted (see the module comment); such a run can be resumed. */
export function isInterrupted(run: InterruptibleRun): boolean {
  if (run.status === 'running') return !ownerMayBeAlive(run.owner);
  return run.status === 'paused' && (run.error ?? '').startsWith(INTERRUPTED);
}

/**
 * The message a run paused by an outer abort ends with: the abort's own if it reports an
 * interruption, else a plain stop on request (Ctrl-C, SIGTERM, a pause through the service).
 */
export function outerStopMessage(reason: unknown): string {
  const message = reason instanceof Error ? reason.message : '';
  return message.startsWith(INTERRUPTED) ? message : 'stopped on request.';
}
