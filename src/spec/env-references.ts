/**
 * `${ENV:NAME}` references in spec strings. Specs keep the reference (so printing a spec never shows a
 * secret); connectors resolve it when they open, and planning checks every reference first.
 */
import { InputError, type InputProblem } from '../core/errors.ts';

const REFERENCE = /\$\{ENV:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Replaces every `${ENV:NAME}` in `text`; `path` names the spec location for the error. */
export function resolveEnvReferences(
  text: string,
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const missing: string[] = [];
  const resolved = text.replace(REFERENCE, (_whole, name: string) => {
    const value = env[name];
    if (value === undefined) missing.push(name);
    return value ?? '';
  });
  if (missing.length) {
    throw new InputError([
      {
        path,
        message: `refers to environment variable ${missing.map((m) => `"${m}"`).join(', ')}, which is not set; export it before running.`,
      },
    ]);
  }
  return resolved;
}

/** Resolves every string field of an endpoint, collecting all missing variables at once. */
export function resolveEndpointReferences<T extends object>(
  endpoint: T,
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): T {
  const problems: InputProblem[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(endpoint)) {
    if (typeof value !== 'string') {
      out[key] = value;
      continue;
    }
    try {
      out[key] = resolveEnvReferences(value, `${path}.${key}`, env);
    } catch (error) {
      if (error instanceof InputError) problems.push(...error.problems);
      else throw error;
    }
  }
  if (problems.length) throw new InputError(problems);
  return out as T;
}
