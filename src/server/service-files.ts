/**
 * What the service lets specs reach on its disk: files inside its spec folder (`JIVS_SPEC_DIR`), and
 * never its own state — the data folder (JWT secret, key indexes), the store with its journal files,
 * the key index folder, nor the system's process and device folders — whatever the configuration.
 */
import { mkdir } from 'node:fs/promises';
import { stateFiles } from '../engine/state-files.ts';
import { InputError } from '../core/errors.ts';
import { FileResolver, type FileAccess } from '../spec/file-resolver.ts';
import { isDatabaseUrl } from '../state/store-location.ts';
import type { ServerConfig } from './config.ts';

/** System folders whose files describe the machine and its processes (`/proc/self/environ`), not data. */
const SYSTEM_FOLDERS = ['/proc', '/sys', '/dev'];

/** The file access of every spec the service runs; `storeLocation` is a SQLite path or a PostgreSQL URL. */
export function serviceFileAccess(config: ServerConfig, storeLocation: string): FileAccess {
  const storePath = isDatabaseUrl(storeLocation) ? null : storeLocation;
  return {
    baseDir: config.specDir,
    confineTo: config.allowAnyPath ? null : config.specDir,
    forbidden: [config.dataDir, ...stateFiles(storePath), ...SYSTEM_FOLDERS],
  };
}

/**
 * Creates the spec folder when missing (mode 0700) and refuses to start when it is, or lies inside,
 * a place no spec may reach (e.g. `JIVS_SPEC_DIR` pointing into the data folder): every path in it
 * would then be refused, or worse, a spec could name the service's own files.
 */
export async function prepareSpecFolder(access: FileAccess): Promise<FileResolver> {
  await mkdir(access.baseDir, { recursive: true, mode: 0o700 });
  const resolver = new FileResolver({ ...access, confineTo: null });
  try {
    resolver.resolve(access.baseDir, 'JIVS_SPEC_DIR');
  } catch {
    throw new InputError([
      {
        path: 'JIVS_SPEC_DIR',
        message:
          "is, or lies inside, the service's own state (JIVS_DATA_DIR, the store or its key indexes); give the service a separate folder for the files specs may use.",
      },
    ]);
  }
  return new FileResolver(access);
}
