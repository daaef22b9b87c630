/**
 * The reasons every source gives for the objects no target gets (views, triggers, routines, …), so
 * that `jivs plan` says the same thing whichever database the object comes from. Connectors build
 * their {@link SkippedObject}s with these helpers.
 */
import type { SkippedObject, SkippedObjectKind } from './connector.ts';

/** Longest piece of source SQL a reason quotes (a check clause, a default expression). */
const QUOTE_CHARS = 80;

/** Source SQL for a reason: one line, cut to {@link QUOTE_CHARS} characters. */
export function quoteSql(sql: string): string {
  const line = sql.replace(/\s+/g, ' ').trim();
  return line.length > QUOTE_CHARS ? `${line.slice(0, QUOTE_CHARS - 1)}…` : line;
}

/** The standard reason for an object of a kind no target gets from JiVS. */
const REASONS: Partial<Record<SkippedObjectKind, string>> = {
  view: 'JiVS migrates tables, not views; recreate the view in the target (its SQL may need rewriting for the target).',
  'materialized view':
    'JiVS migrates tables, not materialized views; recreate it in the target, or migrate its rows by copying it into a table first.',
  trigger:
    "triggers are not migrated: their code is written in the source's SQL dialect; rewrite it for the target if the application needs it.",
  procedure:
    "stored procedures are not migrated: their code is written in the source's SQL dialect; rewrite it for the target if it is still used.",
  function:
    "functions are not migrated: their code is written in the source's SQL dialect; rewrite it for the target if it is still used.",
  event:
    'scheduled events are not migrated; schedule the job in the target (e.g. with cron or pg_cron) if it is still needed.',
  sequence:
    'sequences are not migrated; columns fed by one keep their values, and identity columns continue after the loaded keys.',
};

/** A skipped object of a kind with a standard reason (views, triggers, routines, events, sequences). */
export function skippedObject(kind: SkippedObjectKind, name: string, table?: string): SkippedObject {
  const reason = REASONS[kind];
  if (reason === undefined) throw new Error(`no standard reason for a skipped ${kind}`);
  return table === undefined ? { kind, name, reason } : { kind, name, table, reason };
}

/** A CHECK constraint: JiVS does not translate its expression. */
export function skippedCheck(name: string, table: string, clause: string): SkippedObject {
  return {
    kind: 'check constraint',
    name,
    table,
    reason: `CHECK (${quoteSql(clause)}) is not migrated: its expression is in the source's SQL dialect; add the check in the target if it is needed.`,
  };
}

/** An index that no target can rebuild as it is, with what makes it so. */
export function skippedIndex(name: string, table: string, what: string): SkippedObject {
  return {
    kind: 'index',
    name,
    table,
    reason: `${what}; JiVS rebuilds plain indexes over whole columns only. Create an equivalent index in the target if queries need it.`,
  };
}
