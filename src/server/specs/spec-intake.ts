/**
 * A spec submitted to the API, checked as completely as `jivs plan` checks a spec file before it
 * connects anywhere (the same validateSpec), plus what only a service must check: how passwords are
 * stored (spec-secrets.ts) and that every file path stays inside the spec folder (service-files.ts).
 */
import { InputError, type InputProblem } from '../../core/errors.ts';
import type { MigrationSpec } from '../../spec/spec-schema.ts';
import { validateSpec } from '../../plan/validate-spec.ts';
import { badRequest } from '../http-errors.ts';
import type { SecretBox } from '../secrets.ts';
import type { SpecReach } from './spec-reach.ts';
import { sealSecrets, withSecretReferences } from './spec-secrets.ts';

export interface SpecIntakeOptions {
  migrationId: string;
  box: SecretBox | undefined;
  /** The stored spec this one replaces (an update), whose secrets `"***"` keeps. */
  previous?: Record<string, unknown>;
  /** What the spec may reach: files inside the spec folder, never the service's own state. */
  reach: SpecReach;
}

/** A spec ready to store, and the validated spec (defaults filled in) it stands for. */
export interface AcceptedSpec {
  stored: Record<string, unknown>;
  spec: MigrationSpec;
}

/** Prefixes the spec's own problem paths with the request field that holds the spec. */
function inBody(problems: InputProblem[]): InputProblem[] {
  return problems.map((p) => ({ ...p, path: p.path ? `spec.${p.path}` : 'spec' }));
}

/** Validates a stored (or about to be stored) document; throws InputError with `spec.…` paths. */
export function validateStoredSpec(stored: Record<string, unknown>): MigrationSpec {
  try {
    return validateSpec(withSecretReferences(stored));
  } catch (error) {
    if (error instanceof InputError) throw new InputError(inBody(error.problems));
    throw error;
  }
}

/** Checks and prepares a submitted spec; throws a 400 ApiError listing every problem. */
export function acceptSpec(document: unknown, options: SpecIntakeOptions): AcceptedSpec {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw badRequest('the spec is invalid', [
      { path: 'spec', message: 'must be an object (version, source, target, …).' },
    ]);
  }
  const { stored, problems } = sealSecrets(document as Record<string, unknown>, options);
  problems.unshift(...options.reach.documentProblems(document));
  let spec: MigrationSpec | undefined;
  try {
    spec = validateStoredSpec(stored);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    problems.push(...error.problems);
  }
  if (spec) problems.push(...inBody(options.reach.problems(spec)));
  if (problems.length || !spec) throw badRequest('the spec is invalid', problems);
  return { stored, spec };
}
