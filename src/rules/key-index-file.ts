/**
 * The files of a key index: the SQLite file and its -wal and -shm files. They hold raw key values and
 * the raw values of masked columns of rejected rows, so they are created readable by their owner only
 * (0600, whatever the umask; SQLite gives -wal and -shm the mode of the database file) in a folder only
 * the owner can list (0700, when it creates it), and removed together.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';

const SIDE_FILES = ['-wal', '-shm'];

/** Creates `path` (and its folder) if missing, and makes it and any -wal/-shm beside it mode 0600. */
export function createPrivateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, ...SIDE_FILES.map((suffix) => path + suffix)]) {
    if (existsSync(file)) chmodSync(file, 0o600);
  }
}

/** Removes a key index file with its -wal and -shm files; nothing happens for missing ones. */
export async function removeKeyIndexFiles(path: string): Promise<void> {
  await Promise.all([path, ...SIDE_FILES.map((suffix) => path + suffix)].map((f) => rm(f, { force: true })));
}
