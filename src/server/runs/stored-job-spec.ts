/**
 * What a run's process gets for a stored migration: its spec with secrets as references, the secrets
 * apart, and what the spec may reach. The spec is checked again each time: one stored under other rules
 * (or before a symbolic link appeared) must not reach a forbidden file or host.
 */
import type { MigrationDefinition } from '../../state/service-types.ts';
import { badRequest, conflict } from '../http-errors.ts';
import type { SecretBox } from '../secrets.ts';
import { validateStoredSpec } from '../specs/spec-intake.ts';
import type { SpecReach } from '../specs/spec-reach.ts';
import { openSecrets, withSecretReferences } from '../specs/spec-secrets.ts';
import type { JobSpec } from './ipc-messages.ts';

/**
 * What a child needs to plan or run a stored migration. Its file paths are checked again here: a
 * spec stored under other rules (or before a symbolic link appeared) must not reach a forbidden file.
 */
export function storedJobSpec(
  reach: SpecReach,
  box: SecretBox | undefined,
  migration: MigrationDefinition,
): JobSpec {
  const stored = migration.spec as Record<string, unknown>;
  const refused = reach.documentProblems(stored);
  if (refused.length) throw badRequest('the stored spec is invalid', refused);
  const problems = reach.problems(validateStoredSpec(stored));
  if (problems.length) throw badRequest('the stored spec names places the service may not reach', problems);
  let secrets: Record<string, string>;
  try {
    secrets = openSecrets(stored, migration.id, box);
  } catch (error) {
    throw conflict((error as Error).message); // a key that is missing or not the one it was stored with
  }
  return {
    spec: withSecretReferences(stored),
    secrets,
    specFile: `api:migrations/${migration.id}`,
    files: reach.files.access,
    allowedHosts: [...reach.allowedHostEntries],
  };
}
