import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runMigration, type RunOptions } from '../../src/engine/orchestrator.ts';
import type { RunReport } from '../../src/engine/report.ts';
import { loadSpec } from '../../src/plan/load-spec.ts';
import { StateStore } from '../../src/state/state-store.ts';

/** Writes `spec` (with `version: 1`) as a YAML file of its own into `dir` and returns the file's path. */
export async function writeSpec(dir: string, spec: Record<string, unknown>): Promise<string> {
  const file = join(dir, `spec-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, stringify({ version: 1, ...spec }));
  return file;
}

/** Writes `spec` as YAML into `dir`, runs it with a store in `dir`, and returns the report, store and spec file. */
export async function runSpec(
  dir: string,
  spec: Record<string, unknown>,
  options: Partial<RunOptions> = {},
): Promise<{ report: RunReport; store: StateStore; file: string }> {
  const file = await writeSpec(dir, spec);
  const store = await StateStore.open(join(dir, 'state.db'));
  const report = await runMigration(await loadSpec(file), { store, ...options });
  return { report, store, file };
}
