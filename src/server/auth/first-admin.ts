/**
 * The first admin: on a start with no user at all, user `admin` with the password in
 * `JIVS_ADMIN_PASSWORD`. Without it the service still starts, and says how to add one (`jivs user add`).
 */
import type { Logger } from 'pino';
import { InputError } from '../../core/errors.ts';
import type { ServiceStore } from '../service-store.ts';
import { hashPassword, passwordProblem } from './passwords.ts';

export async function ensureFirstAdmin(
  store: ServiceStore,
  password: string | undefined,
  log: Logger,
): Promise<void> {
  if ((await store.users.count()) > 0) return;
  if (password === undefined) {
    log.warn(
      'there is no user yet: set JIVS_ADMIN_PASSWORD to create user admin on start, or run `jivs user add <name> --role admin`.',
    );
    return;
  }
  const problem = passwordProblem(password);
  if (problem) throw new InputError([{ path: 'JIVS_ADMIN_PASSWORD', message: problem }]);
  await store.users.create({ username: 'admin', passwordHash: await hashPassword(password), role: 'admin' });
  await store.audit.append({
    actor: null,
    action: 'user.create',
    target: 'admin',
    outcome: 'ok',
    detail: { role: 'admin', by: 'JIVS_ADMIN_PASSWORD' },
  });
  log.info('created the first admin, user admin, from JIVS_ADMIN_PASSWORD');
}
