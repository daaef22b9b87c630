/**
 * Errors across the partition boundary (partition-job.ts): a worker's error becomes plain data and,
 * on the run's side, the same kind of error again, so the run treats a partition's failure exactly as
 * it does on its own thread: bad input stays bad input, a broken error policy stops the run, a stop
 * on request pauses it, and the next step the error suggests survives.
 */
import { InputError, MigrationFailedError, type InputProblem } from '../core/errors.ts';
import type { NextStep } from '../core/next-step.ts';
import { ErrorPolicyExceeded } from './error-policy.ts';
import { RunPaused } from './run-interruption.ts';

/** An error as plain data. */
export interface TransportedError {
  kind: 'input' | 'policy' | 'paused' | 'migration' | 'other';
  message: string;
  problems?: InputProblem[];
  nextStep?: NextStep;
  runId?: string;
}

export function transportError(error: unknown): TransportedError {
  if (error instanceof InputError) {
    return { kind: 'input', message: error.message, problems: error.problems, ...steps(error) };
  }
  if (error instanceof ErrorPolicyExceeded)
    return { kind: 'policy', message: error.message, ...steps(error) };
  // Before MigrationFailedError, which it extends: a stop on request pauses the run, it does not fail it.
  if (error instanceof RunPaused) return { kind: 'paused', message: error.message, ...steps(error) };
  if (error instanceof MigrationFailedError) {
    return { kind: 'migration', message: error.message, ...steps(error) };
  }
  return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
}

function steps(error: InputError | MigrationFailedError): Pick<TransportedError, 'nextStep' | 'runId'> {
  return {
    ...(error.nextStep && { nextStep: error.nextStep }),
    ...(error.runId && { runId: error.runId }),
  };
}

export function reviveError(error: TransportedError): Error {
  const options = { nextStep: error.nextStep, runId: error.runId };
  switch (error.kind) {
    case 'input':
      return new InputError(error.problems ?? error.message, options);
    case 'policy':
      return new ErrorPolicyExceeded(error.message, options);
    case 'paused':
      return new RunPaused(error.message, options);
    case 'migration':
      return new MigrationFailedError(error.message, options);
    case 'other':
      return new Error(error.message);
  }
}
