/**
 * The files that belong to the control plane: the SQLite store (with its journal files) and the
 * folder of the key indexes. No spec may name them as an endpoint or a lookup, whatever else it may
 * name, so every run adds them to its spec's FileResolver.
 */
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { LoadedSpec } from '../plan/load-spec.ts';

/**
 * Where runs keep their key indexes (uniqueness and references), for replays and resumes: in
 * `$JIVS_KEYS_DIR` if set, else in `keys/` beside a SQLite store file, else (in-memory or PostgreSQL
 * store) in `<tmpdir>/jivs-keys`.
 */
export function keyIndexDir(storeDir: string | null): string {
  return process.env.JIVS_KEYS_DIR || (storeDir ? join(storeDir, 'keys') : join(tmpdir(), 'jivs-keys'));
}

/** The store's folder for files kept beside it, from its path (null in memory and on PostgreSQL). */
export function storeDirOf(storePath: string | null): string | null {
  return storePath && storePath !== ':memory:' ? dirname(storePath) : null;
}

/** The store file with its journal files, and the key index folder. */
export function stateFiles(storePath: string | null): string[] {
  const files = [keyIndexDir(storeDirOf(storePath))];
  if (storeDirOf(storePath)) files.push(...['', '-wal', '-shm', '-journal'].map((s) => `${storePath}${s}`));
  return files;
}

/** `loaded` with the store of the run (and its key indexes) out of reach of its file paths. */
export function guardStateFiles(loaded: LoadedSpec, store: { path: string | null }): LoadedSpec {
  return { ...loaded, files: loaded.files.forbidding(stateFiles(store.path)) };
}
