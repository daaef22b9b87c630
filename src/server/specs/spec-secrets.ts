/**
 * Connection passwords in stored specs. A password written as an environment reference
 * (`${ENV:PGPASSWORD}`) is kept as it is: the secret lives in the server's environment. A literal
 * password is kept only encrypted ({@link SecretBox}); the API shows every password but a reference
 * as `"***"`, and a run gets the spec with references to variables set only in its own process.
 */
import type { InputProblem } from '../../core/errors.ts';
import { isSealed, type SecretBox } from '../secrets.ts';

export const ENDPOINTS = ['source', 'target'] as const;
export type EndpointName = (typeof ENDPOINTS)[number];

/** What the API shows instead of a password. */
export const REDACTED = '***';

const WHOLE_REFERENCE = /^\$\{ENV:[A-Za-z_][A-Za-z0-9_]*\}$/;

/** Endpoint fields that hold secrets. */
export const SECRET_FIELDS = ['password'] as const;

/** Fields that say where a password goes: a kept password is only reused while these stay the same. */
const DESTINATION_FIELDS = ['type', 'host', 'port', 'user', 'database', 'ssl'] as const;

type Document = Record<string, unknown>;

function endpointOf(document: Document, name: EndpointName): Record<string, unknown> | undefined {
  const endpoint = document[name];
  return endpoint !== null && typeof endpoint === 'object' && !Array.isArray(endpoint)
    ? (endpoint as Record<string, unknown>)
    : undefined;
}

/** The variable a run's process sets for a stored secret, and the spec refers to. */
export function secretVariable(endpoint: EndpointName, field: string): string {
  return `JIVS_SECRET_${endpoint.toUpperCase()}_${field.toUpperCase()}`;
}

/** The associated data of a sealed secret: its migration and field. */
function context(migrationId: string, endpoint: EndpointName, field: string): string {
  return `migration:${migrationId}/${endpoint}.${field}`;
}

/**
 * Turns a submitted spec document into the one to store: literal passwords sealed, `"***"` replaced by
 * the stored secret it stands for (only while the endpoint still points where it did). Returns the
 * problems instead when a literal password cannot be stored (no key) or `"***"` stands for nothing.
 */
export function sealSecrets(
  document: Document,
  options: { migrationId: string; box: SecretBox | undefined; previous?: Document },
): { stored: Document; problems: InputProblem[] } {
  const stored = structuredClone(document);
  const problems: InputProblem[] = [];
  for (const name of ENDPOINTS) {
    const endpoint = endpointOf(stored, name);
    if (!endpoint) continue;
    for (const field of SECRET_FIELDS) {
      const value = endpoint[field];
      if (typeof value !== 'string' || WHOLE_REFERENCE.test(value)) continue;
      const path = `spec.${name}.${field}`;
      if (value === REDACTED) {
        const before = options.previous && endpointOf(options.previous, name);
        const kept = before?.[field];
        if (typeof kept !== 'string' || kept === REDACTED) {
          problems.push({
            path,
            message: `"${REDACTED}" keeps the stored password, but there is none here; give the password or an environment reference.`,
          });
        } else if (DESTINATION_FIELDS.some((f) => before![f] !== endpoint[f])) {
          problems.push({
            path,
            message: `"${REDACTED}" keeps the stored password only while ${DESTINATION_FIELDS.join(', ')} stay the same; this endpoint changed, so give the password again.`,
          });
        } else {
          endpoint[field] = kept;
        }
        continue;
      }
      if (isSealed(value)) {
        problems.push({
          path,
          message: 'give the password itself (it is stored encrypted), not a sealed value.',
        });
        continue;
      }
      if (!options.box) {
        problems.push({
          path,
          message:
            'a literal password can only be stored encrypted, and this server has no JIVS_SECRET_KEY; set it on the server, or write an environment reference such as ${ENV:PGPASSWORD} (set in the server environment).',
        });
        continue;
      }
      endpoint[field] = options.box.seal(value, context(options.migrationId, name, field));
    }
  }
  return { stored, problems };
}

/**
 * The spec with each stored secret replaced by a reference to {@link secretVariable}, which is what
 * validation and the engine see: the engine then treats it like any other environment reference.
 */
export function withSecretReferences(document: Document): Document {
  return replaceSecrets(document, (name, field) => `\${ENV:${secretVariable(name, field)}}`);
}

/** A copy of the spec with every secret that is not an environment reference replaced. */
function replaceSecrets(
  document: Document,
  replacement: (endpoint: EndpointName, field: string) => string,
): Document {
  const copy = structuredClone(document);
  for (const name of ENDPOINTS) {
    const endpoint = endpointOf(copy, name);
    if (!endpoint) continue;
    for (const field of SECRET_FIELDS) {
      const value = endpoint[field];
      if (typeof value === 'string' && !WHOLE_REFERENCE.test(value))
        endpoint[field] = replacement(name, field);
    }
  }
  return copy;
}

/** The decrypted secrets of a stored spec, by the variable {@link withSecretReferences} refers to. */
export function openSecrets(
  stored: Document,
  migrationId: string,
  box: SecretBox | undefined,
): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const name of ENDPOINTS) {
    const endpoint = endpointOf(stored, name);
    for (const field of SECRET_FIELDS) {
      const value = endpoint?.[field];
      if (!isSealed(value)) continue;
      if (!box) {
        throw new Error(
          `the stored ${name}.${field} is encrypted, and this server has no JIVS_SECRET_KEY to decrypt it.`,
        );
      }
      secrets[secretVariable(name, field)] = box.open(value, context(migrationId, name, field));
    }
  }
  return secrets;
}

/** The spec as the API shows it: every secret but an environment reference as `"***"`. */
export function redactSecrets(document: Document): Document {
  return replaceSecrets(document, () => REDACTED);
}
