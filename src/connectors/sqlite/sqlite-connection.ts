/**
 * Opening SQLite database files: read-only connections for a source (one per partition being read)
 * and the read-write connection of a target. Errors name the spec path of the file.
 */
import Database from 'better-sqlite3';
import { access, constants, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from '../../core/errors.ts';

/**
 * Opens a read-only connection to an existing SQLite file, with a small page cache: reads are
 * sequential scans, which a page cache does not speed up (better-sqlite3's default is 16 MB per
 * connection, and a source holds one connection per partition being read).
 */
export function openSqliteReadOnly(path: string): Database.Database {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma('cache_size = -2000');
  return db;
}

/**
 * Opens a source's SQLite file after checking that it exists, is readable and is a SQLite database.
 *
 * @throws InputError (at `source.path`) when it is not
 */
export async function openSqliteSourceDatabase(path: string): Promise<Database.Database> {
  try {
    await access(path, constants.R_OK);
  } catch {
    throw new InputError([
      { path: 'source.path', message: `SQLite file "${path}" does not exist or is not readable.` },
    ]);
  }
  let db: Database.Database | undefined;
  try {
    db = openSqliteReadOnly(path);
    db.prepare('SELECT COUNT(*) FROM sqlite_schema').get();
  } catch (error) {
    db?.close();
    throw new InputError([
      { path: 'source.path', message: `"${path}" is not a SQLite database (${(error as Error).message}).` },
    ]);
  }
  return db;
}

/**
 * Opens (creating it and its folder if needed) a target's SQLite file, in WAL mode with foreign keys
 * off: parents and children load in parallel and constraints are checked after the load (Verification).
 *
 * @throws InputError (at `target.path`) when the file cannot be opened as a SQLite database
 */
export async function openSqliteTargetDatabase(path: string): Promise<Database.Database> {
  await mkdir(dirname(path), { recursive: true });
  try {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = OFF');
    return db;
  } catch (error) {
    throw new InputError([
      {
        path: 'target.path',
        message: `cannot open "${path}" as a SQLite database: ${(error as Error).message}.`,
      },
    ]);
  }
}
