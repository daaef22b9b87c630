/**
 * The HS256 secret of access tokens: `JIVS_JWT_SECRET` when set (required when several API instances
 * share a store, so that each accepts the others' tokens), else 32 random bytes generated on first
 * start and kept in `<dataDir>/jwt-secret` (mode 0600), so tokens survive a restart.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../core/errors.ts';

export async function jwtSecret(configured: string | undefined, dataDir: string): Promise<string> {
  if (configured !== undefined) {
    if (configured.length < 32) {
      throw new InputError([
        { path: 'JIVS_JWT_SECRET', message: 'must be at least 32 characters; e.g. `openssl rand -hex 32`.' },
      ]);
    }
    return configured;
  }
  const file = join(dataDir, 'jwt-secret');
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (stored.length >= 32) return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('hex');
  // wx: two instances starting at once must not overwrite each other's secret.
  try {
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return (await readFile(file, 'utf8')).trim();
    throw error;
  }
  await chmod(file, 0o600);
  return secret;
}
