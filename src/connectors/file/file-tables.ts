/** Maps a file endpoint's `path` (one file, or a directory of files) to tables. */
import type { Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { InputError } from '../../core/errors.ts';
import type { FileCheck } from '../connector.ts';

/** One file that a file endpoint exposes as a table. */
export interface FileTable {
  /** The table name: the file's base name without its extension. */
  name: string;
  /** Absolute path of the file. */
  file: string;
}

/**
 * Lists the tables of a file source. A file is one table named after its base name without extension;
 * a directory gives one table per file ending in `extension` (case-insensitive, not recursive), sorted by name.
 *
 * @param path absolute path of a file or a directory
 * @param extension the file extension with its dot, e.g. `.csv`
 * @param formatName the format named in messages, e.g. `CSV`
 * @param checkFile checks each file of a directory (a link leading elsewhere is refused)
 * @throws InputError when the path does not exist or is not readable, or a directory holds no such file
 */
export async function listFileTables(
  path: string,
  extension: string,
  formatName: string,
  checkFile: FileCheck,
): Promise<FileTable[]> {
  const info = await statOrThrow(path, formatName);
  if (info.isFile()) return [{ name: tableName(path), file: path }];
  if (!info.isDirectory()) {
    throw new InputError([
      { path, message: `is neither a file nor a directory; point path at a ${formatName} file.` },
    ]);
  }
  const tables: FileTable[] = [];
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (extname(entry.name).toLowerCase() !== extension) continue;
    const file = join(path, entry.name);
    if (entry.isFile() || (entry.isSymbolicLink() && (await stat(file).catch(() => null))?.isFile())) {
      tables.push({ name: tableName(entry.name), file: checkFile(file) });
    }
  }
  if (tables.length === 0) {
    throw new InputError([
      {
        path,
        message: `directory holds no *${extension} files; put the ${formatName} files there or point path at a file.`,
      },
    ]);
  }
  tables.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const clash = tables.find((table, i) => i > 0 && tables[i - 1]!.name === table.name);
  if (clash) {
    throw new InputError([
      { path, message: `two files give the table name "${clash.name}"; rename one of them.` },
    ]);
  }
  return tables;
}

/** The table of `name`, or an error saying which tables exist. */
export function findFileTable(tables: FileTable[], name: string): FileTable {
  const table = tables.find((candidate) => candidate.name === name);
  if (!table) {
    throw new Error(`no file for table "${name}"; the tables are: ${tables.map((t) => t.name).join(', ')}`);
  }
  return table;
}

function tableName(file: string): string {
  return basename(file, extname(file));
}

async function statOrThrow(path: string, formatName: string): Promise<Stats> {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? `does not exist; check the path, or create the ${formatName} file or directory.`
        : code === 'EACCES'
          ? 'is not readable; check its permissions.'
          : `cannot be read (${code ?? String(error)}).`;
    throw new InputError([{ path, message }], { cause: error });
  }
}
