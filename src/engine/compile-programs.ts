/**
 * The run-time setup of the rules, shared by a migration and a replay: the secret of the masks, the
 * lookups loaded from the source or files, and one compiled program and quality tally per table.
 */
import type { Row, Source } from '../connectors/connector.ts';
import type { KeyIndex } from '../rules/key-index.ts';
import { QualityTally } from '../rules/quality.ts';
import { compileTableProgram, type TableProgram } from '../rules/table-program.ts';
import { resolveEnvReferences } from '../spec/env-references.ts';
import type { MigrationSpec } from '../spec/spec-schema.ts';
import { loadLookups } from './load-lookups.ts';
import type { TablePlan } from '../plan/plan-types.ts';
import type { RejectReason } from '../state/run-types.ts';
import {
  compileQuarantinedReasons,
  compileQuarantinedValues,
  quarantineMode,
  type QuarantinedValues,
  type QuarantineMode,
} from './quarantine-values.ts';

/** A table's compiled transforms and rules, and the counts its partitions add to. */
export interface CompiledTable {
  program: TableProgram;
  tally: QualityTally;
  /** How the table's rejected rows are kept: the mode, and their values as the quarantine stores them. */
  quarantine: {
    mode: QuarantineMode;
    values: (sourceRow: Row) => QuarantinedValues;
    reasons: (reasons: RejectReason[]) => RejectReason[];
  };
}

/** The resolved `masking.salt` (never printed), or null when the spec sets none. */
export function maskingSalt(spec: MigrationSpec): string | null {
  return spec.masking ? resolveEnvReferences(spec.masking.salt, 'masking.salt') : null;
}

/** The lookup tables of transform steps, by step path (load-lookups.ts): plain data. */
export type Lookups = Map<string, Map<string, unknown>>;

/** What compiling a table needs besides its plan. */
export interface CompileContext {
  keyIndex: KeyIndex;
  lookups: Lookups;
  salt: string | null;
  /** Sets the table's `quarantine` mode (`masked` without it: verification stores no rejects). */
  spec?: MigrationSpec;
}

/** Compiles one table: its program, a blank quality tally and how its rejected rows are kept. */
export function compileTable(table: TablePlan, context: CompileContext): CompiledTable {
  const { keyIndex, lookups, salt, spec } = context;
  const program = compileTableProgram(table, { keyIndex, lookups, salt });
  const columns = table.target.columns.map((c) => c.name);
  return {
    program,
    tally: new QualityTally(table.target.name, program.descriptors, columns),
    quarantine: {
      mode: spec ? quarantineMode(spec, table) : 'masked',
      values: compileQuarantinedValues(table, program.masks),
      reasons: compileQuarantinedReasons(table, program.masks),
    },
  };
}

/**
 * Loads the lookups and compiles every table once, by target table name. `spec` sets each table's
 * `quarantine` mode (`masked` without it: verification stores no rejects).
 */
export async function compileTablePrograms(
  tables: readonly TablePlan[],
  source: Source,
  keyIndex: KeyIndex,
  salt: string | null,
  spec?: MigrationSpec,
): Promise<{ compiled: Map<string, CompiledTable>; lookups: Lookups }> {
  const lookups = await loadLookups(tables, source);
  const compiled = new Map<string, CompiledTable>();
  for (const table of tables)
    compiled.set(table.target.name, compileTable(table, { keyIndex, lookups, salt, spec }));
  return { compiled, lookups };
}
