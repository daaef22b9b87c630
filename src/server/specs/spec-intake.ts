/**
 * A spec submitted to the API, checked as completely as `jivs plan` checks a spec file before it
 * connects anywhere (the same validateSpec), plus what only a service must check: how passwords are
 * stored (spec-secrets.ts) and that file endpoints stay inside the spec folder.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { InputError, type InputProblem } from '../../errors.ts';
import { resolveEnvReferences } from '../../spec/env-references.ts';
import type { MigrationSpec } from '../../spec/spec-schema.ts';
import { validateSpec } from '../../spec/validate-spec.ts';
import { badRequest } from '../http-errors.ts';
import type { SecretBox } from '../secrets.ts';
import { hostProblems, type AllowedHosts } from './allowed-hosts.ts';
import { envReferenceProblems } from './env-policy.ts';
import { ENDPOINTS, sealSecrets, withSecretReferences } from './spec-secrets.ts';

export interface SpecIntakeOptions {
  migrationId: string;
  box: SecretBox | undefined;
  /** The stored spec this one replaces (an update), whose secrets `"***"` keeps. */
  previous?: Record<string, unknown>;
  specDir: string;
  allowAnyPath: boolean;
  /** Variables a password may refer to (`JIVS_SPEC_ENV_ALLOW`); see env-policy.ts. */
  envAllow: readonly string[];
  /** Database hosts allowed (`JIVS_ALLOWED_HOSTS`); null: any. */
  allowedHosts: AllowedHosts | null;
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

/** File endpoints whose path leads outside `specDir` (the service must not read or write anywhere). */
function pathProblems(spec: MigrationSpec, specDir: string): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const name of ENDPOINTS) {
    const endpoint = spec[name];
    if (!('path' in endpoint)) continue;
    let path: string;
    try {
      path = resolveEnvReferences(endpoint.path, `${name}.path`);
    } catch {
      continue; // an unset variable is reported when the run plans
    }
    const within = relative(specDir, resolve(specDir, path));
    if (within.startsWith('..') || isAbsolute(within)) {
      problems.push({
        path: `spec.${name}.path`,
        message: `must stay inside the server's spec folder (JIVS_SPEC_DIR); write a path relative to it.`,
      });
    }
  }
  return problems;
}

/** Checks and prepares a submitted spec; throws a 400 ApiError listing every problem. */
export function acceptSpec(document: unknown, options: SpecIntakeOptions): AcceptedSpec {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw badRequest('the spec is invalid', [
      { path: 'spec', message: 'must be an object (version, source, target, …).' },
    ]);
  }
  const { stored, problems } = sealSecrets(document as Record<string, unknown>, options);
  problems.unshift(...envReferenceProblems(document, options.envAllow));
  let spec: MigrationSpec | undefined;
  try {
    spec = validateStoredSpec(stored);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    problems.push(...error.problems);
  }
  if (spec && !options.allowAnyPath) problems.push(...pathProblems(spec, options.specDir));
  if (spec) problems.push(...hostProblems(spec, options.allowedHosts));
  if (problems.length || !spec) throw badRequest('the spec is invalid', problems);
  return { stored, spec };
}
