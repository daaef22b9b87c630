/** `jivs plan <spec>`: a dry run that shows what a migration would do, moving no data. */
import { describeLogicalType, formatLogicalType } from '../core/logical-type.ts';
import { openSource } from '../plan/open-connectors.ts';
import { planWithTarget } from '../plan/plan-with-target.ts';
import type { MigrationPlan } from '../plan/plan-types.ts';
import { maskKind } from '../rules/compile-mask.ts';
import { describeUniqueStrategy } from '../rules/unique-proof.ts';
import { uniqueStrategies } from '../plan/plan-quality.ts';
import { loadSpec } from '../plan/load-spec.ts';
import type { EndpointSpec } from '../spec/spec-schema.ts';
import type { TransformStepSpec } from '../spec/rules-schema.ts';
import { printJson } from './cli-context.ts';
import { formatDdl, planDdl } from './format-ddl.ts';
import { formatNotMigrated } from './format-not-migrated.ts';
import { formatTable } from './format-table.ts';

/** Plans a spec file against its source, and against the existing target tables that append and truncate keep (the target is only read). */
export async function planSpecFile(file: string): Promise<MigrationPlan> {
  return (await planLoadedSpec(file)).plan;
}

async function planLoadedSpec(file: string): Promise<{ plan: MigrationPlan; target: EndpointSpec }> {
  const loaded = await loadSpec(file);
  const source = await openSource(loaded.spec.source, loaded.files, 'source');
  try {
    return { plan: await planWithTarget(loaded.spec, source, loaded.files), target: loaded.spec.target };
  } finally {
    await source.close();
  }
}

export function formatPlan(plan: MigrationPlan): string {
  const out: string[] = [];
  out.push('Load order');
  out.push(
    formatTable(
      ['#', 'source', 'target', 'mode', 'est. rows', 'partitions'],
      plan.tables.map((t, i) => [
        i + 1,
        t.source.name,
        t.target.name,
        t.mode,
        t.estimatedRows,
        t.partitions.length,
      ]),
    ),
  );
  for (const table of plan.tables) {
    out.push('');
    out.push(`${table.source.name} → ${table.target.name}`);
    out.push(
      formatTable(
        ['source column', 'source type', 'target column', 'target type', 'null', 'steps', 'rules', 'mask'],
        [
          ...table.columns.map((c, i) => {
            const quality = table.quality.columns[i]!;
            return [
              c.source.name,
              c.source.nativeType || '(none)',
              c.target.name,
              describeLogicalType(c.target.type),
              c.target.nullable ? 'yes' : 'no',
              quality.steps.map(stepName).join(', '),
              quality.rules.length || '',
              quality.mask ? maskKind(quality.mask) : quality.personal ? 'personal' : '',
            ];
          }),
          ...table.quality.computed.map((c) => [
            '(computed)',
            '',
            c.target.name,
            formatLogicalType(c.target.type),
            'yes',
            c.spec.expr !== undefined ? 'expr' : c.spec.concat ? 'concat' : 'value',
            c.spec.rules?.length || '',
            c.spec.mask ? maskKind(c.spec.mask) : '',
          ]),
        ],
      ),
    );
    const personal = [
      ...table.columns.filter((_c, i) => table.quality.columns[i]!.personal).map((c) => c.target.name),
      ...table.quality.computed.filter((c) => c.spec.personal || c.spec.mask).map((c) => c.target.name),
    ];
    if (personal.length) out.push(`  personal data: ${personal.join(', ')}`);
    if (table.quality.filter) out.push(`  filter: ${table.quality.filter}`);
    for (const rule of table.quality.rules) {
      out.push(
        `  rule: ${rule.unique ? `unique (${rule.unique.join(', ')})` : `check ${rule.check}`} [${rule.severity ?? 'major'}]`,
      );
    }
    for (const { label, strategy } of uniqueStrategies(table)) {
      if (strategy.kind !== 'key-index') out.push(`  unique ${label}: ${describeUniqueStrategy(strategy)}`);
    }
    const key = table.target.primaryKey.length
      ? `primary key (${table.target.primaryKey.join(', ')})`
      : 'no primary key';
    out.push(
      `  ${key}; ${table.target.indexes.length} index(es); ${table.target.foreignKeys.length} foreign key(s)`,
    );
    for (const fk of table.target.foreignKeys) {
      out.push(
        `  foreign key (${fk.columns.join(', ')}) → ${fk.referencedTable} (${fk.referencedColumns.join(', ')})`,
      );
    }
    if (table.partitions.length > 1) {
      const first = table.partitions[0]!.bounds;
      if (first.kind === 'key-range')
        out.push(`  partitioned by ${first.keyColumn} into ${table.partitions.length} key ranges`);
    }
    for (const note of table.notes) out.push(`  note: ${note}`);
  }
  out.push(...formatNotMigrated(plan.notMigrated));
  for (const warning of plan.warnings) out.push(`\nwarning: ${warning}`);
  return out.join('\n');
}

function stepName(step: TransformStepSpec): string {
  return typeof step === 'string' ? step : Object.keys(step)[0]!;
}

/**
 * Prints the plan, or with `ddl` the statements the target will receive (with `json`, as
 * `{ target, tables }`, tables null for a file target).
 */
export async function planCommand(file: string, options: { json?: boolean; ddl?: boolean }): Promise<void> {
  const { plan, target } = await planLoadedSpec(file);
  if (options.ddl && options.json) printJson({ target: target.type, tables: planDdl(plan, target) });
  else if (options.ddl) process.stdout.write(`${formatDdl(plan, target)}\n`);
  else if (options.json) printJson(plan);
  else process.stdout.write(`${formatPlan(plan)}\n\nDry run: no data was moved.\n`);
}
