/**
 * Opens (creating if needed) a SQLite store file, or an in-memory store for `:memory:`. The file holds
 * password hashes and run data: it is created with mode 0600 (SQLite gives its -wal and -shm files
 * the same mode), and an existing one is set to 0600.
 */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { chmod, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StateDatabase } from '../database-types.ts';
import type { OpenedStore } from '../opened-store.ts';

export async function openSqliteStore(path: string): Promise<OpenedStore> {
  const inMemory = path === ':memory:';
  if (!inMemory) {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await (await open(path, 'a', 0o600)).close();
    await chmod(path, 0o600);
  }
  const sqlite = new Database(path);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('cache_size = -2000'); // small rows, few of them: 2 MB instead of the default 16 MB
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
  } catch (error) {
    sqlite.close();
    throw new Error(
      `the state store ${path} cannot be opened: ${(error as Error).message}. Point --state at another file.`,
    );
  }
  return {
    db: new Kysely<StateDatabase>({ dialect: new SqliteDialect({ database: sqlite }) }),
    backend: 'sqlite',
    description: path,
    elsewhere: 'point --state at another file',
    path,
    localDir: inMemory ? null : dirname(path),
    schema: null,
  };
}
