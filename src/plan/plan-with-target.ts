/**
 * Planning with the target in view: when a table keeps an existing target table (modes append and
 * truncate), the target is opened read-only for the time of planning so that those tables are planned
 * against their own columns (see fit-existing-table.ts). Every caller that plans a run — `jivs plan`,
 * `jivs migrate` and `resume`, `jivs replay`, `jivs verify`, the service — plans through here, so all of
 * them see the same types.
 */
import { existsSync } from 'node:fs';
import type { Source } from '../connectors/connector.ts';
import { openTargetAsSource, resolveEndpoint } from './open-connectors.ts';
import type { FileResolver } from '../spec/file-resolver.ts';
import type { MigrationSpec } from '../spec/spec-schema.ts';
import { keepsTables, planMigration } from './plan.ts';
import type { MigrationPlan } from './plan-types.ts';

/**
 * The target opened read-only to read the tables it has, or null when planning needs none: no table
 * keeps an existing one, the target is a file, or a SQLite target that does not exist yet.
 */
export async function openTargetForPlanning(
  spec: MigrationSpec,
  files: FileResolver,
): Promise<Source | null> {
  const endpoint = spec.target;
  if (!keepsTables(spec) || endpoint.type === 'csv' || endpoint.type === 'jsonl') return null;
  if (endpoint.type === 'sqlite' && !existsSync(resolveEndpoint(endpoint, files, 'target').path)) return null;
  return openTargetAsSource(endpoint, files);
}

/** Plans `spec` (see planMigration) against the target's existing tables where the modes keep them. */
export async function planWithTarget(
  spec: MigrationSpec,
  source: Source,
  files: FileResolver,
): Promise<MigrationPlan> {
  const target = await openTargetForPlanning(spec, files);
  try {
    return await planMigration(spec, source, files, target?.introspector ?? null);
  } finally {
    await target?.close();
  }
}
