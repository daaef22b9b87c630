/**
 * `jivs demo`: generates a legacy ERP database in SQLite, writes a spec for it next to it, and
 * migrates it into an embedded SQLite target, printing the phase report. No server needed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { generateLegacyErp } from '../demo/generate-legacy-erp.ts';
import { demoSpecYaml } from '../demo/demo-spec.ts';
import { InputError } from '../core/errors.ts';
import { migrateSpecFile, type MigrateOptions } from './migrate-command.ts';

export interface DemoOptions extends MigrateOptions {
  rows: number;
  dir: string;
  seed: number;
}

export async function demoCommand(options: DemoOptions): Promise<number> {
  if (!Number.isInteger(options.rows) || options.rows < 100) {
    throw new InputError([
      { path: '--rows', message: `must be a whole number of at least 100, got ${options.rows}.` },
    ]);
  }
  const dir = resolve(options.dir);
  await mkdir(dir, { recursive: true });
  const say = (line: string) => {
    if (!options.json && !options.quiet) process.stderr.write(`${line}\n`);
  };
  say(`Generating a legacy ERP database with ~${options.rows.toLocaleString('en-US')} rows…`);
  const summary = await generateLegacyErp(join(dir, 'legacy-erp.db'), {
    rows: options.rows,
    seed: options.seed,
  });
  say(`  ${summary.tables.map((t) => `${t.name} ${t.rows.toLocaleString('en-US')}`).join(', ')}`);
  say(
    `  with ${summary.dirty.reduce((n, d) => n + d.rows, 0)} deliberately dirty values (bad dates, orphans, …)`,
  );
  const specFile = join(dir, 'demo.yaml');
  await writeFile(specFile, demoSpecYaml({ sourcePath: 'legacy-erp.db', targetPath: 'migrated.db' }));
  say(`Spec written to ${specFile}: read it, edit it, rerun it with \`jivs migrate ${specFile}\`.`);
  say('');
  const { code } = await migrateSpecFile(specFile, options);
  return code;
}
