/**
 * What the quarantine keeps of a rejected row's values. A masked column is stored masked, as the target
 * holds it, so the store (read by every role of the service) never holds its raw value; the raw values
 * of the masked columns go to the run's key index instead, for `jivs replay`. `quarantine: raw` (spec
 * or table) also keeps them in the store, where only engineers and admins see them. A reason on a
 * masked column keeps its rule but not its message, which may quote the value.
 */
import type { Row } from '../connectors/connector.ts';
import type { Masker } from '../rules/compile-mask.ts';
import type { MigrationSpec } from '../spec/spec-schema.ts';
import type { RejectReason } from '../state/run-types.ts';
import type { TablePlan } from '../plan/plan-types.ts';

export type QuarantineMode = 'masked' | 'raw';

/** The table's `quarantine`, else the spec's, else `masked`. */
export function quarantineMode(spec: MigrationSpec, plan: TablePlan): QuarantineMode {
  const entry = spec.tables.find((t) => t.name === plan.source.name);
  return entry?.quarantine ?? spec.quarantine ?? 'masked';
}

/** A rejected source row as the quarantine keeps it. */
export interface QuarantinedValues {
  /** Column name → value, masked columns masked. */
  values: Record<string, unknown>;
  /** The raw values of the masked columns; undefined when the table masks none of its read columns. */
  raw: Record<string, unknown> | undefined;
}

/**
 * Compiles, once per table, what the quarantine keeps of a rejected source row (read order). `masks`
 * are the table program's compiled masks by target column; the read columns come first.
 */
export function compileQuarantinedValues(
  plan: TablePlan,
  masks: readonly (Masker | null)[],
): (sourceRow: Row) => QuarantinedValues {
  const names = plan.columns.map((c) => c.source.name);
  const masked = names.flatMap((name, i) => (masks[i] ? [{ name, i, mask: masks[i] }] : []));
  return (sourceRow) => {
    const values = Object.fromEntries(names.map((name, i) => [name, sourceRow[i]]));
    if (!masked.length) return { values, raw: undefined };
    const raw: Record<string, unknown> = {};
    for (const { name, i, mask } of masked) {
      raw[name] = sourceRow[i];
      values[name] = mask(sourceRow[i]);
    }
    return { values, raw };
  };
}

/** Reasons whose message is written after masking, so it can only quote masked values. */
const AFTER_MASKING = new Set(['target constraints']);

/**
 * Compiles, once per table, the reasons as the quarantine keeps them: the message of a reason on a
 * masked column (a rule, step or cast that may quote the value) is replaced by one naming no value.
 */
export function compileQuarantinedReasons(
  plan: TablePlan,
  masks: readonly (Masker | null)[],
): (reasons: RejectReason[]) => RejectReason[] {
  const masked = new Set(plan.target.columns.filter((_c, i) => masks[i]).map((c) => c.name));
  if (!masked.size) return (reasons) => reasons;
  return (reasons) =>
    reasons.map((reason) =>
      reason.column !== null && masked.has(reason.column) && !AFTER_MASKING.has(reason.rule)
        ? { ...reason, message: 'fails this rule (the message is withheld: the column is masked)' }
        : reason,
    );
}
