/**
 * Content digests of key ranges computed by MySQL/MariaDB (see Source.digestRanges), for a source
 * table whose rows the spec loads unchanged: per row the MD5 of the canonical row text of
 * verify/row-hasher.ts, built in SQL (UTF-8) from the source columns with the spellings the JS
 * normaliser gives the values the pipeline reads, its first 64 bits summed; grouped by range with
 * INTERVAL(). Doubles have no SQL spelling of their bits here, json none that orders keys: such tables
 * are unsupported. As for PostgreSQL (postgres-digest.ts), a rare value spelled otherwise than in JS
 * makes the digests differ and the range is read: it costs time, it never hides a difference.
 */
import type { ColumnSchema, DigestUnsupported, KeySpan, RangeDigests, TableSchema } from '../connector.ts';
import type { MysqlPool } from './mysql-connection.ts';
import { quoteMysqlIdentifier as q } from './mysql-types.ts';
import { rowTextParts } from '../row-hash-sql.ts';

const TWO_64 = 1n << 64n;
const TEXT_TYPE = /^(?:var)?char\b|^(?:tiny|medium|long)?text\b|^enum\b/i;
const BINARY_TYPE = /^(?:var)?binary\b|^(?:tiny|medium|long)?blob\b/i;

/** `12.500` → `12.5`, `10:00:00.000000` → `10:00:00`: trailing fraction zeros trimmed (trimFraction). */
function trimmed(text: string): string {
  return `IF(LOCATE('.', ${text}) > 0, TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM ${text})), ${text})`;
}

/**
 * The SQL spelling, in utf8mb4, of a non-null value of the source column `stored` that the JS
 * normaliser of `hashed` (the planned target column) gives the value as read; null when there is none.
 */
export function mysqlNormalExpression(
  stored: ColumnSchema,
  hashed: ColumnSchema,
  column: string,
): string | null {
  const kind = stored.type.kind;
  const native = stored.nativeType.trim().toLowerCase();
  if (stored.type.array || hashed.type.array) return null;
  const text = `CAST(${column} AS CHAR CHARACTER SET utf8mb4)`;
  switch (hashed.type.kind) {
    case 'boolean':
      return kind === 'boolean'
        ? `CASE ${column} WHEN 0 THEN 'f' WHEN 1 THEN 't' ELSE CONCAT('?', ${text}) END`
        : null;
    case 'integer':
    case 'bigint':
      return kind === 'integer' || kind === 'bigint' ? text : null;
    case 'decimal':
      if (kind === 'integer' || kind === 'bigint') return text;
      if (kind !== 'decimal') return null;
      if (/^(?:decimal|numeric)\b/.test(native)) return trimmed(text);
      return /^(?:tiny|small|medium|big)?int\b/.test(native) ? text : null; // bigint unsigned
    case 'text':
      return kind === 'text' && TEXT_TYPE.test(native) ? `CONVERT(${column} USING utf8mb4)` : null;
    case 'date':
      return kind === 'date' && native === 'date' ? text : null;
    case 'time':
      return kind === 'time' && native.startsWith('time') ? trimmed(text) : null;
    case 'timestamp':
    case 'timestamptz':
      // A DATETIME is read as written, a TIMESTAMP in the session's zone, UTC: its text is the UTC instant.
      return kind === 'timestamp' && /^(?:datetime|timestamp)\b/.test(native) ? trimmed(text) : null;
    case 'binary':
      return kind === 'binary' && BINARY_TYPE.test(native) ? `LOWER(HEX(${column}))` : null;
    default:
      return null;
  }
}

/** The SQL of the row hash (an unsigned 64-bit integer) of `table`'s columns, or the columns that have none. */
export function mysqlRowHash(
  table: TableSchema,
  hashed: readonly ColumnSchema[],
): { sql: string } | DigestUnsupported {
  const row = rowTextParts(table, hashed, {
    quote: q,
    normal: mysqlNormalExpression,
    part: (column, normal) => `IF(${column} IS NULL, '-', CONCAT(LENGTH(${normal}), ':', ${normal}))`,
  });
  if ('unsupported' in row) return row;
  const { parts } = row;
  const text = `CONVERT(CONCAT(${parts.length ? parts.join(', ') : "''"}) USING utf8mb4)`;
  return { sql: `CAST(CONV(LEFT(MD5(${text}), 16), 16, 10) AS UNSIGNED)` };
}

function integer(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`not a key bound: ${value}`);
  return String(value);
}

/**
 * The digests of `spans` of `table` (of the whole table without a key column): the spans split into
 * up to `concurrency` groups queried at once, each grouped by span with INTERVAL().
 */
export async function digestMysqlRanges(
  pool: MysqlPool,
  table: TableSchema,
  hashed: readonly ColumnSchema[],
  keyColumn: string | null,
  spans: readonly KeySpan[],
  concurrency: number,
): Promise<RangeDigests | DigestUnsupported> {
  const rowHash = mysqlRowHash(table, hashed);
  if ('unsupported' in rowHash) return rowHash;
  const from = q(table.name);
  const select = (bucket: string, where: string) =>
    `SELECT ${bucket} AS bucket, COUNT(*) AS n, CAST(SUM(${rowHash.sql}) AS CHAR) AS s FROM ${from}${where} GROUP BY 1`;
  const queries: string[] = [];
  let first = 0;
  if (keyColumn === null) {
    queries.push(select('0', ''));
  } else {
    const key = q(keyColumn);
    const bounds: number[] = [];
    first = spans[0]!.from === null ? 0 : 1;
    if (first) bounds.push(spans[0]!.from!);
    for (let i = 0; i < spans.length - 1; i++) bounds.push(spans[i]!.to!);
    if (spans[spans.length - 1]!.to !== null) bounds.push(spans[spans.length - 1]!.to!);
    // INTERVAL(k, b1, b2, …): 0 below b1, i for b_i ≤ k < b_(i+1); -1 for NULL.
    const bucket = bounds.length
      ? `INTERVAL(${key}, ${bounds.map(integer).join(', ')})`
      : `IF(${key} IS NULL, -1, 0)`;
    const groups = Math.max(1, Math.min(concurrency, spans.length));
    for (let g = 0; g < groups; g++) {
      const a = Math.floor((g * spans.length) / groups);
      const b = Math.floor(((g + 1) * spans.length) / groups) - 1;
      const conditions: string[] = [];
      if (g > 0 && spans[a]!.from !== null) conditions.push(`${key} >= ${integer(spans[a]!.from!)}`);
      if (g < groups - 1 && spans[b]!.to !== null) conditions.push(`${key} < ${integer(spans[b]!.to!)}`);
      if (g === 0 && groups > 1) conditions.push(`${key} IS NOT NULL`);
      queries.push(select(bucket, conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''));
    }
    if (groups > 1)
      queries.push(`SELECT -1 AS bucket, COUNT(*) AS n, '0' AS s FROM ${from} WHERE ${key} IS NULL`);
  }
  const results = await Promise.all(
    queries.map((sql) => pool.rows<{ bucket: number | string; n: number | string; s: string | null }>(sql)),
  );
  const ranges = spans.map(() => ({ rows: 0, sum: 0n }));
  let outside = 0;
  for (const rows of results) {
    for (const row of rows) {
      const bucket = Number(row.bucket);
      const span = bucket < 0 ? -1 : bucket - first;
      const n = Number(row.n);
      if (span < 0 || span >= spans.length) {
        outside += n;
        continue;
      }
      ranges[span]!.rows += n;
      ranges[span]!.sum = (ranges[span]!.sum + BigInt(row.s ?? '0')) % TWO_64;
    }
  }
  return { ranges, outside };
}
