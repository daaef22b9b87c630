/**
 * `jivs plan --ddl`: the statements each target table will receive, in the order the run sends them
 * (every table created, then after the load each table's keys, indexes and triggers, then the
 * foreign keys), built by the functions the target's sink runs.
 */
import type { TableDdl } from '../connectors/connector.ts';
import { targetDdl } from '../plan/open-connectors.ts';
import type { MigrationPlan } from '../plan/plan-types.ts';
import type { EndpointSpec } from '../spec/spec-schema.ts';

/** The DDL of every planned table, in load order; null for a file target. */
export function planDdl(plan: MigrationPlan, target: EndpointSpec): TableDdl[] | null {
  const build = targetDdl(target);
  return build === null ? null : plan.tables.map((table) => build(table.target));
}

const statements = (list: readonly string[]) => list.map((sql) => `${sql};`);

/** The DDL as an SQL script with comments; for a file target, a comment that there is none. */
export function formatDdl(plan: MigrationPlan, target: EndpointSpec): string {
  const ddl = planDdl(plan, target);
  if (ddl === null) {
    return `-- The ${target.type} target has no DDL: its files hold the rows only (no types, keys or indexes).`;
  }
  const out = [`-- DDL for the ${target.type} target, in the order the run sends it.`, ''];
  out.push('-- Before the load: the tables.');
  plan.tables.forEach((table, i) => {
    const kept =
      table.mode === 'truncate' || table.mode === 'append'
        ? `; mode ${table.mode} keeps an existing table (and its indexes) and creates it only when missing`
        : `; mode ${table.mode}`;
    out.push(`-- ${table.target.name}${kept}`, ...statements([...ddl[i]!.drop, ...ddl[i]!.create]), '');
  });
  const finalize = ddl.filter((t) => t.finalize.length);
  if (finalize.length) {
    out.push('-- After the load (Cleanup): primary keys, indexes, unique constraints and triggers.');
    for (const table of finalize) out.push(`-- ${table.table}`, ...statements(table.finalize), '');
  }
  const foreignKeys = ddl.filter((t) => t.foreignKeys.length);
  if (foreignKeys.length) {
    out.push('-- Then the foreign keys, once every table has its keys.');
    for (const table of foreignKeys) out.push(`-- ${table.table}`, ...statements(table.foreignKeys), '');
  }
  if (plan.notMigrated.length) {
    out.push('-- Not migrated (see jivs plan for the reasons):');
    for (const o of plan.notMigrated) {
      out.push(`--   ${o.kind} ${o.table === undefined ? o.name : `${o.table}.${o.name}`}`);
    }
  }
  return out.join('\n').trimEnd();
}
