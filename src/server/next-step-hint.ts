/** The service's words for what to do next (core/next-step.ts): the endpoints to call. */
import type { NextStep } from '../core/next-step.ts';

/** One line saying what to do next about run `runId` (or any run, when the step needs none). */
export function apiHint(step: NextStep, runId = '{id}'): string {
  switch (step) {
    case 'list-runs':
      return 'GET /runs lists the runs.';
    case 'stop-run':
      return `stop it first with POST /runs/${runId}/pause.`;
    case 'resume-run':
      return `once the cause is fixed, POST /runs/${runId}/resume continues the run from its checkpoints.`;
    case 'review-rejects':
      return `see the rejected rows with GET /runs/${runId}/rejects, fix the data or the spec and start a new run, or raise the limit.`;
    case 'list-differences':
      return `GET /runs/${runId}/report lists the rows that differ.`;
  }
}
