/** The CLI's words for what to do next (core/next-step.ts): the commands to type. */
import type { NextStep } from '../core/next-step.ts';

/** One line saying what to do next about run `runId` (or any run, when the step needs none). */
export function cliHint(step: NextStep, runId = '<run>'): string {
  switch (step) {
    case 'list-runs':
      return '`jivs status` lists the runs.';
    case 'stop-run':
      return `stop it first with \`jivs pause ${runId}\`, or pass --force if that process is not running it.`;
    case 'resume-run':
      return `once the cause is fixed, \`jivs resume ${runId}\` continues the run from its checkpoints.`;
    case 'review-rejects':
      return `see the rejected rows with \`jivs rejects ${runId}\`, fix the data or the spec (then \`jivs replay ${runId}\`), or raise the limit.`;
    case 'list-differences':
      return `\`jivs status ${runId} --json\` lists the rows that differ.`;
  }
}
