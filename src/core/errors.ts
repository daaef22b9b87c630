/**
 * Errors the CLI and service tell apart. An {@link InputError} means the user must change something
 * (spec, file, arguments) and no data moved: exit code 2. Anything else that stops a run is a
 * migration failure: exit code 1.
 */

import type { NextStep } from './next-step.ts';

/** Options of the errors below: the cause, and what the user can do next (worded by the CLI or the API). */
export interface ErrorOptions {
  cause?: unknown;
  nextStep?: NextStep;
  /** The run the next step is about. */
  runId?: string;
}

/** One problem in the user's input, located by a path such as `tables[2].columns.email`. */
export interface InputProblem {
  /** Where the problem is: a spec path, a file, or a command argument. Empty for the whole input. */
  path: string;
  /** What is wrong and what to do about it. */
  message: string;
}

/** Bad input: nothing was moved. Carries every problem found, not just the first. */
export class InputError extends Error {
  readonly problems: InputProblem[];
  readonly nextStep?: NextStep;
  readonly runId?: string;

  constructor(problems: InputProblem[] | string, options?: ErrorOptions) {
    const list = typeof problems === 'string' ? [{ path: '', message: problems }] : problems;
    super(list.map(formatProblem).join('\n'), options);
    this.name = 'InputError';
    this.problems = list;
    this.nextStep = options?.nextStep;
    this.runId = options?.runId;
  }
}

/** A run stopped by its error policy or by a failure while moving data. */
export class MigrationFailedError extends Error {
  readonly nextStep?: NextStep;
  readonly runId?: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MigrationFailedError';
    this.nextStep = options?.nextStep;
    this.runId = options?.runId;
  }
}

export function formatProblem(problem: InputProblem): string {
  return problem.path ? `${problem.path}: ${problem.message}` : problem.message;
}
