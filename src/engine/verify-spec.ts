/**
 * `jivs verify <spec>`: compares, table by table, what the spec would load from its source (recomputed
 * through its transforms, masks and rules) with what its target holds now, whoever migrated it (a JiVS
 * run, or another tool, as data-diff does). Nothing is written anywhere.
 */
import type { Source } from '../connectors/connector.ts';
import { describeEndpoint, openSource, openTargetAsSource } from '../plan/open-connectors.ts';
import { closeConnections } from './cleanup.ts';
import { compileTablePrograms, maskingSalt } from './compile-programs.ts';
import { planWithTarget } from '../plan/plan-with-target.ts';
import type { TablePlan } from '../plan/plan-types.ts';
import { InputError, type InputProblem } from '../core/errors.ts';
import { KeyIndex } from '../rules/key-index.ts';
import type { LoadedSpec } from '../plan/load-spec.ts';
import { didYouMean } from '../core/suggest.ts';
import { findTargetTable } from '../verify/target-table.ts';
import { verifyTableContent, type ContentVerification } from '../verify/verify-table-content.ts';
import { meantRowReader } from './meant-rows.ts';

/** What to verify, beyond the spec. */
export interface VerifySpecOptions {
  /** Target (or source) table names to verify; default: every table of the plan. */
  tables?: string[];
  /**
   * The RejectedRow.key of every source row a run rejected, by target table: those rows are not
   * meant to be in the target (see `jivs verify --run`). Default: none is excluded.
   */
  excludedKeys?(table: string): Promise<ReadonlySet<string>>;
  /** Differences listed per table (all are counted); default 100. */
  maxListedDifferences?: number;
}

/** What `jivs verify` found. */
export interface SpecVerification {
  /** The endpoints as written in the spec (no secrets). */
  source: string;
  target: string;
  tables: ContentVerification[];
  /** True when no compared table has a difference. */
  matches: boolean;
}

/** The tables of the plan that `names` select (by target or source name). */
function selectTables(tables: TablePlan[], names: string[] | undefined): TablePlan[] {
  if (!names?.length) return tables;
  const known = tables.map((t) => t.target.name);
  const problems: InputProblem[] = [];
  const selected = names.map((name) => {
    const table = tables.find((t) => t.target.name === name || t.source.name === name);
    if (!table) {
      problems.push({
        path: '--tables',
        message: `the spec migrates no table "${name}".${didYouMean(name, known)} Its tables: ${known.join(', ')}.`,
      });
    }
    return table;
  });
  if (problems.length) throw new InputError(problems);
  return [...new Set(selected as TablePlan[])];
}

/** Every selected table must exist in the target before anything is compared. */
async function checkTargetTables(loaded: LoadedSpec, target: Source, tables: TablePlan[]): Promise<void> {
  const problems: InputProblem[] = [];
  for (const table of tables) {
    if (await findTargetTable(target, table.target.name)) continue;
    problems.push({
      path: 'target',
      message: `the target (${describeEndpoint(loaded.spec.target)}) has no table "${table.target.name}" (from source table "${table.source.name}"); migrate it first, or check the target and naming.`,
    });
  }
  if (problems.length) throw new InputError(problems);
}

/**
 * True when the spec loads the table's source rows unchanged and leaves none out, so that the source
 * database may compute the meant digests: no transform, mask, computed column, filter, lookup or rule,
 * the default invalid-text policy, and no rejected rows excluded. Rows the target's types refuse would
 * still be in the source's digest: the range then differs, and its meant rows are read as before.
 */
function loadsUnchanged(table: TablePlan, excluded: ReadonlySet<string>): boolean {
  const { quality } = table;
  return (
    excluded.size === 0 &&
    table.columns.length === table.target.columns.length &&
    quality.filter === null &&
    !quality.rules.length &&
    !quality.computed.length &&
    !quality.lookups.length &&
    (quality.invalidText ?? 'reject') === 'reject' &&
    quality.columns.every((c) => !c.steps.length && !c.mask && !c.rules.length)
  );
}

/** Verifies the content of a spec's target against its source. */
export async function verifySpec(
  loaded: LoadedSpec,
  options: VerifySpecOptions = {},
): Promise<SpecVerification> {
  const { spec, files } = loaded;
  let source: Source | undefined;
  let target: Source | undefined;
  const keyIndex = new KeyIndex(':memory:');
  try {
    source = await openSource(spec.source, files, 'source');
    const plan = await planWithTarget(spec, source, files);
    const tables = selectTables(plan.tables, options.tables);
    const { compiled } = await compileTablePrograms(tables, source, keyIndex, maskingSalt(spec));
    target = await openTargetAsSource(spec.target, files);
    await checkTargetTables(loaded, target, tables);
    const results: ContentVerification[] = [];
    const opened = source;
    for (const table of tables) {
      const excluded = (await options.excludedKeys?.(table.target.name)) ?? new Set<string>();
      results.push(
        await verifyTableContent({
          plan: table,
          meantRows: () =>
            meantRowReader({
              plan: table,
              compiled: compiled.get(table.target.name)!,
              source: opened,
              isExcluded: (key) => excluded.has(key),
              batchSize: spec.batchSize,
            }),
          target,
          ...(loadsUnchanged(table, excluded) ? { meantSource: opened } : {}),
          expected: table.partitions.map(() => null),
          batchSize: spec.batchSize,
          maxListedDifferences: options.maxListedDifferences,
          showValues: true,
        }),
      );
    }
    return {
      source: describeEndpoint(spec.source),
      target: describeEndpoint(spec.target),
      tables: results,
      matches: results.every((r) => r.differencesTotal === 0),
    };
  } finally {
    keyIndex.close();
    await closeConnections(source, target);
  }
}
