/**
 * Which `${ENV:NAME}` references a spec may hold in the service. The service's environment is not the
 * user's (unlike the CLI's): a reference is allowed only as the whole value of a secret field
 * (`source.password`, `target.password`, `masking.salt`), naming a variable the administrator listed in
 * `JIVS_SPEC_ENV_ALLOW`, and never one of the service's own secrets or a run's internal secret variable.
 * Applied when a spec is submitted and again before a stored spec runs (one stored before this rule).
 */
import type { InputProblem } from '../../core/errors.ts';
import { specPathFromPointer } from '../../spec/spec-path.ts';
import { ENDPOINTS, SECRET_FIELDS, secretVariable } from './spec-secrets.ts';

/** Spec paths whose whole value may be an environment reference (the secret fields of the schema). */
export const SECRET_PATHS: ReadonlySet<string> = new Set([
  'source.password',
  'target.password',
  'masking.salt',
]);

/** Variables no spec may ever refer to, whatever the allow-list: the service's secrets and settings. */
const SERVICE_SECRETS = new Set([
  'JIVS_JWT_SECRET',
  'JIVS_SECRET_KEY',
  'JIVS_ADMIN_PASSWORD',
  'JIVS_METRICS_TOKEN',
  'JIVS_DATABASE_URL',
]);

const REFERENCE = /\$\{ENV:([A-Za-z_][A-Za-z0-9_]*)\}/g;
const WHOLE_REFERENCE = /^\$\{ENV:([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** True for a run's internal secret variables (`JIVS_SECRET_…`, see secretVariable) and the service's own secrets. */
export function isInternalVariable(name: string): boolean {
  return name.startsWith('JIVS_SECRET_') || SERVICE_SECRETS.has(name);
}

/** Reads `JIVS_SPEC_ENV_ALLOW`: names, or prefixes written with a trailing `*` (`PG_PROD_*`). */
export function parseEnvAllowList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** True when `name` is on the allow-list (exactly, or by a `PREFIX*` entry) and is not internal. */
export function isEnvAllowed(name: string, allow: readonly string[]): boolean {
  if (isInternalVariable(name)) return false;
  return allow.some((entry) => (entry.endsWith('*') ? name.startsWith(entry.slice(0, -1)) : entry === name));
}

/** One string of a document and where it is: its spec path, and whether it is a key or a value. */
export interface DocumentString {
  path: string;
  text: string;
  key: boolean;
}

/** Every string of a JSON-like document (values and keys), walked without recursion (any depth). */
export function documentStrings(document: unknown): DocumentString[] {
  const out: DocumentString[] = [];
  const stack: { value: unknown; pointer: string }[] = [{ value: document, pointer: '' }];
  const seen = new Set<object>();
  while (stack.length) {
    const { value, pointer } = stack.pop()!;
    if (typeof value === 'string') {
      out.push({ path: specPathFromPointer(pointer), text: value, key: false });
      continue;
    }
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    for (const [key, child] of Object.entries(value)) {
      const below = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (!Array.isArray(value)) out.push({ path: specPathFromPointer(below), text: key, key: true });
      stack.push({ value: child, pointer: below });
    }
  }
  return out;
}

function referencedNames(text: string): string[] {
  return [...text.matchAll(REFERENCE)].map((match) => match[1]!);
}

/**
 * The problems of every environment reference in a submitted or stored spec document that the
 * service does not allow. Paths are prefixed with `spec.`; messages name the variable, never a value.
 */
export function envReferenceProblems(document: unknown, allow: readonly string[]): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const { path, text, key } of documentStrings(document)) {
    const names = referencedNames(text);
    if (!names.length) continue;
    const at = `spec.${path}`;
    const whole = !key && WHOLE_REFERENCE.test(text);
    if (!whole || !SECRET_PATHS.has(path)) {
      problems.push({
        path: at,
        message: `refers to environment variable "${names[0]}"; in the service, environment references are allowed only as the whole value of ${[...SECRET_PATHS].join(', ')}. Write the value itself.`,
      });
      continue;
    }
    const name = names[0]!;
    const instead = path.endsWith('.password')
      ? ', or give the password itself (it is stored encrypted)'
      : '';
    if (isInternalVariable(name)) {
      problems.push({
        path: at,
        message: `refers to "${name}", a variable the service keeps for itself, which no spec may name; refer to another variable${instead}.`,
      });
    } else if (!isEnvAllowed(name, allow)) {
      problems.push({
        path: at,
        message: `refers to environment variable "${name}", which the service does not allow; add it to JIVS_SPEC_ENV_ALLOW on the server${instead}.`,
      });
    }
  }
  return problems;
}

/**
 * The problems of a job's spec (stored secrets already turned into references) in which a run's
 * internal secret variable appears anywhere but the one field it stands for: `JIVS_SECRET_SOURCE_PASSWORD`
 * only at `source.password`. The run's process checks this before it sets the secrets.
 */
export function misplacedSecretReferences(document: unknown): InputProblem[] {
  const home = new Map<string, string>();
  for (const endpoint of ENDPOINTS)
    for (const field of SECRET_FIELDS) home.set(secretVariable(endpoint, field), `${endpoint}.${field}`);
  const problems: InputProblem[] = [];
  for (const { path, text, key } of documentStrings(document)) {
    for (const name of referencedNames(text)) {
      if (!name.startsWith('JIVS_SECRET_')) continue;
      if (key || home.get(name) !== path || !WHOLE_REFERENCE.test(text)) {
        problems.push({
          path,
          message: `refers to "${name}", a stored secret that may only be used at ${home.get(name) ?? 'its own field'}.`,
        });
      }
    }
  }
  return problems;
}
