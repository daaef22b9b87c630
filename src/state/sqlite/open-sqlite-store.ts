/** Opens (creating if needed) a SQLite store file, or an in-memory store for `:memory:`. */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StateDatabase } from '../database-types.ts';
import type { OpenedStore } from '../opened-store.ts';

export async function openSqliteStore(path: string): Promise<OpenedStore> {
  const inMemory = path === ':memory:';
  if (!inMemory) await mkdir(dirname(path), { recursive: true });
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
