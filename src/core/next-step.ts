/**
 * What a person can do next about a run, named once. The engine says which step applies; the CLI and
 * the service each put it in their own words (a command, an endpoint), so neither audience is told to
 * use the other's.
 */
export type NextStep =
  /** The run id is unknown: list the runs. */
  | 'list-runs'
  /** Another process still runs the run: stop it first. */
  | 'stop-run'
  /** The run stopped, failed or was interrupted and keeps its checkpoints: resume it. */
  | 'resume-run'
  /** The error policy stopped the run: look at the rejected rows, fix them or the spec, replay them. */
  | 'review-rejects'
  /** Verification found rows that differ: list them. */
  | 'list-differences';
