/**
 * The per-column parts of a row's canonical text in SQL (see verify/row-hasher.ts: NULL as `-`, any other
 * value as `<length>:<normal spelling>`), shared by the dialects that compute content digests themselves
 * (postgres/postgres-digest.ts, mysql/mysql-digest.ts). Each dialect says how it quotes a column, spells
 * its normal form and frames one part; a column without an exact normal form makes the row unsupported.
 */
import type { ColumnSchema, DigestUnsupported, TableSchema } from './connector.ts';

/** How one dialect spells the parts of a row's canonical text. */
export interface RowTextDialect {
  quote(name: string): string;
  /** The SQL of the column's normal spelling, or null when the dialect has no exact one. */
  normal(stored: ColumnSchema, hashed: ColumnSchema, column: string): string | null;
  /** One part: `-` for NULL, else the length-prefixed normal spelling. */
  part(column: string, normal: string): string;
}

/** The parts of `table`'s row text, in column order, or the columns without an exact normal form. */
export function rowTextParts(
  table: TableSchema,
  hashed: readonly ColumnSchema[],
  dialect: RowTextDialect,
): { parts: string[] } | DigestUnsupported {
  const parts: string[] = [];
  const missing: string[] = [];
  table.columns.forEach((stored, i) => {
    const column = dialect.quote(stored.name);
    const normal = dialect.normal(stored, hashed[i]!, column);
    if (normal === null) missing.push(`${stored.name} (${stored.nativeType})`);
    else parts.push(dialect.part(column, normal));
  });
  return missing.length
    ? { unsupported: `no exact SQL form for column(s) ${missing.join(', ')}` }
    : { parts };
}
