/**
 * The demo files `jivs demo` writes (the legacy ERP source and its spec), generated once per test file
 * and copied into each test's own directory, plus helpers to edit the spec and count target rows.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parseDocument, type Document } from 'yaml';
import { demoSpecYaml } from '../../src/demo/demo-spec.ts';
import { generateLegacyErp } from '../../src/demo/generate-legacy-erp.ts';
import { tempDir } from '../support/temp-dir.ts';

/** Rows of the demo source: small, but with dirty rows in it. */
export const DEMO_ROWS = 3000;

let template: Promise<string> | undefined;

async function makeTemplate(): Promise<string> {
  const dir = await tempDir('jivs-cli-template-');
  await generateLegacyErp(join(dir, 'legacy-erp.db'), { rows: DEMO_ROWS, seed: 42 });
  await writeFile(
    join(dir, 'demo.yaml'),
    demoSpecYaml({ sourcePath: 'legacy-erp.db', targetPath: 'migrated.db' }),
  );
  return dir;
}

/** Copies legacy-erp.db and demo.yaml into `<dir>/demo` and returns that folder. */
export async function copyDemo(dir: string): Promise<string> {
  template ??= makeTemplate();
  const from = await template;
  const demo = join(dir, 'demo');
  await mkdir(demo, { recursive: true });
  await copyFile(join(from, 'legacy-erp.db'), join(demo, 'legacy-erp.db'));
  await copyFile(join(from, 'demo.yaml'), join(demo, 'demo.yaml'));
  return demo;
}

/** Writes `<demoDir>/<name>`: demo.yaml as `edit` changes it (comments kept). Returns its path. */
export async function editSpec(
  demoDir: string,
  name: string,
  edit: (spec: Document) => void,
): Promise<string> {
  const spec = parseDocument(await readFile(join(demoDir, 'demo.yaml'), 'utf8'));
  edit(spec);
  const file = join(demoDir, name);
  await writeFile(file, spec.toString());
  return file;
}

/** Row counts of the given tables in a SQLite file, read directly. */
export function countRows(file: string, tables: readonly string[]): Record<string, number> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return Object.fromEntries(
      tables.map((t) => [t, (db.prepare(`SELECT COUNT(*) AS n FROM "${t}"`).get() as { n: number }).n]),
    );
  } finally {
    db.close();
  }
}

/** The tables of a SQLite file, sorted; none when the file does not exist. */
export function tablesIn(file: string): string[] {
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all();
    return (rows as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
}

/** The target tables of the demo spec. */
export const DEMO_TARGET_TABLES = ['customer', 'products', 'orders', 'order_lines'] as const;
