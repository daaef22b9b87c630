/**
 * Content digests of key ranges computed by PostgreSQL (see Source.digestRanges): per row the MD5 of the
 * canonical row text of verify/row-hasher.ts, built in SQL from the stored columns, its first 64 bits
 * summed as a signed bigint (mod 2^64 here), and counted; one aggregate query groups the rows by range.
 *
 * Each column's SQL expression yields exactly the normal spelling verify/value-normalizer.ts gives the
 * value when it is read back (session settings of postgres-connection.ts: DateStyle ISO, TimeZone UTC).
 * For rare values the two may still differ (a BC date, `infinity`, a NaN decimal: the JS side spells
 * them `?…`); the digests then differ, and verification reads that range back: a mismatch costs time,
 * it never hides a difference. Types with no exact expression (json, arrays, a float stored otherwise
 * than hashed) make the table unsupported, and it is read back as before.
 */
import type pg from 'pg';
import { isSinglePrecision } from '../../core/single-precision.ts';
import type { ColumnSchema, DigestUnsupported, KeySpan, RangeDigests, TableSchema } from '../connector.ts';
import { rowTextParts } from '../row-hash-sql.ts';
import { quotePostgresIdentifier } from './postgres-identifiers.ts';

const TWO_64 = 1n << 64n;

/** Native text types whose cast to text is the identity (bpchar's would trim its padding). */
const PLAIN_TEXT = /^(?:text|character varying(?:\(\d+\))?|name)$/;

/**
 * The SQL spelling of a non-null value of `stored` (a column as the target holds it) that the JS
 * normaliser of `hashed` (the same column with the logical type it is hashed by) gives the value read
 * back; null when there is none.
 */
export function postgresNormalExpression(
  stored: ColumnSchema,
  hashed: ColumnSchema,
  column: string,
): string | null {
  const kind = stored.type.kind;
  if (stored.type.array || hashed.type.array) return null;
  switch (hashed.type.kind) {
    case 'boolean':
      return kind === 'boolean' ? `CASE WHEN ${column} THEN 't' ELSE 'f' END` : null;
    case 'integer':
    case 'bigint':
      return kind === 'integer' || kind === 'bigint' ? `${column}::text` : null;
    case 'decimal':
      if (kind === 'integer' || kind === 'bigint') return `${column}::text`;
      return kind === 'decimal' ? `trim_scale(${column})::text` : null;
    case 'float': {
      if (kind !== 'float') return null;
      // + 0 turns -0 into 0; NaN has one spelling.
      const storedSingle = isSinglePrecision(stored);
      const bits = isSinglePrecision(hashed)
        ? `float4send(${storedSingle ? `${column} + 0::float4` : `(${column} + 0::float8)::float4`})`
        : storedSingle
          ? null
          : `float8send(${column} + 0::float8)`;
      return bits && `CASE WHEN ${column} = 'NaN' THEN 'NaN' ELSE encode(${bits}, 'hex') END`;
    }
    case 'text':
      if (kind !== 'text') return null;
      // The output function, as the driver receives it (a cast to text may differ: bpchar, inet).
      return PLAIN_TEXT.test(stored.nativeType) || stored.type.enumValues
        ? `${column}::text`
        : `concat(${column})`;
    case 'date':
    case 'time':
      return kind === hashed.type.kind ? `${column}::text` : null;
    case 'timestamp':
      if (kind === 'timestamp') return `${column}::text`;
      return kind === 'timestamptz' ? `(${column} AT TIME ZONE 'UTC')::text` : null;
    case 'timestamptz':
      return kind === 'timestamptz' ? `(${column} AT TIME ZONE 'UTC')::text` : null;
    case 'binary':
      return kind === 'binary' ? `encode(${column}, 'hex')` : null;
    case 'uuid':
      return kind === 'uuid' ? `${column}::text` : null;
    case 'json':
      return null;
  }
}

/** The SQL of the row hash (a signed bigint) of `table`'s columns, or the columns that have none. */
export function postgresRowHash(
  table: TableSchema,
  hashed: readonly ColumnSchema[],
): { sql: string } | DigestUnsupported {
  const row = rowTextParts(table, hashed, {
    quote: quotePostgresIdentifier,
    normal: postgresNormalExpression,
    part: (column, normal) =>
      `CASE WHEN ${column} IS NULL THEN '-' ELSE octet_length(${normal}) || ':' || ${normal} END`,
  });
  if ('unsupported' in row) return row;
  const { parts } = row;
  const text = parts.length ? parts.join(' || ') : `''`;
  return { sql: `('x' || left(md5(${text}), 16))::bit(64)::bigint` };
}

/** The partition-key bounds that split rows into spans, and the bucket of `width_bucket` each span is. */
function thresholds(spans: readonly KeySpan[]): { bounds: number[]; first: number } {
  const bounds: number[] = [];
  const first = spans[0]!.from === null ? 0 : 1;
  if (first) bounds.push(spans[0]!.from!);
  for (let i = 0; i < spans.length - 1; i++) bounds.push(spans[i]!.to!);
  const last = spans[spans.length - 1]!.to;
  if (last !== null) bounds.push(last);
  return { bounds, first };
}

/** One aggregate query over the rows whose key lies in [from, to) (null: open), grouped by span. */
function rangeQuery(
  from: string,
  key: string,
  rowHash: string,
  bounds: number[],
  where: { from: number | null; to: number | null },
): pg.QueryConfig {
  const values: unknown[] = bounds.length ? [bounds] : [];
  const conditions: string[] = [];
  if (where.from !== null) conditions.push(`${key} >= $${values.push(where.from)}::bigint`);
  if (where.to !== null) conditions.push(`${key} < $${values.push(where.to)}::bigint`);
  const bucket = bounds.length
    ? `width_bucket(${key}::bigint, $1::bigint[])`
    : `CASE WHEN ${key} IS NULL THEN NULL ELSE 0 END`;
  return {
    text: `SELECT ${bucket} AS bucket, count(*)::bigint AS n, sum(${rowHash})::text AS s FROM ${from}${
      conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''
    } GROUP BY 1`,
    values,
  };
}

/**
 * The digests of `spans` of `table` (of the whole table, as one span, without a key column). With an
 * index led by the key, the spans are split into up to
 * `concurrency` groups queried at once (index range scans); otherwise one query reads the table once.
 */
export async function digestPostgresRanges(
  pool: pg.Pool,
  schema: string,
  table: TableSchema,
  hashed: readonly ColumnSchema[],
  keyColumn: string | null,
  spans: readonly KeySpan[],
  concurrency: number,
): Promise<RangeDigests | DigestUnsupported> {
  const rowHash = postgresRowHash(table, hashed);
  if ('unsupported' in rowHash) return rowHash;
  const from = `${quotePostgresIdentifier(schema)}.${quotePostgresIdentifier(table.name)}`;
  if (keyColumn === null) {
    const { rows } = await pool.query<{ n: string; s: string | null }>(
      `SELECT count(*)::bigint AS n, sum(${rowHash.sql})::text AS s FROM ${from}`,
    );
    const sum = BigInt(rows[0]!.s ?? '0') % TWO_64;
    return { ranges: [{ rows: Number(rows[0]!.n), sum: sum < 0n ? sum + TWO_64 : sum }], outside: 0 };
  }
  const key = quotePostgresIdentifier(keyColumn);
  const { bounds, first } = thresholds(spans);
  const indexed =
    table.primaryKey[0] === keyColumn || table.indexes.some((index) => index.columns[0] === keyColumn);
  const groups = indexed ? Math.max(1, Math.min(concurrency, spans.length)) : 1;
  const queries: pg.QueryConfig[] = [];
  for (let g = 0; g < groups; g++) {
    const a = Math.floor((g * spans.length) / groups);
    const b = Math.floor(((g + 1) * spans.length) / groups) - 1;
    const where = { from: g === 0 ? null : spans[a]!.from, to: g === groups - 1 ? null : spans[b]!.to };
    queries.push(rangeQuery(from, key, rowHash.sql, bounds, where));
  }
  // Rows with a NULL key escape the range conditions of split queries: counted apart.
  const nullable = table.columns.find((c) => c.name === keyColumn)?.nullable ?? true;
  if (groups > 1 && nullable) {
    queries.push({
      text: `SELECT NULL AS bucket, count(*)::bigint AS n, '0' AS s FROM ${from} WHERE ${key} IS NULL`,
    });
  }
  const results = await Promise.all(
    queries.map((query) => pool.query<{ bucket: number | null; n: string; s: string | null }>(query)),
  );
  const ranges = spans.map(() => ({ rows: 0, sum: 0n }));
  let outside = 0;
  for (const { rows } of results) {
    for (const row of rows) {
      const span = row.bucket === null ? -1 : row.bucket - first;
      const n = Number(row.n);
      if (span < 0 || span >= spans.length) {
        outside += n;
        continue;
      }
      ranges[span]!.rows += n;
      ranges[span]!.sum = (ranges[span]!.sum + BigInt(row.s ?? '0')) % TWO_64;
    }
  }
  for (const range of ranges) if (range.sum < 0n) range.sum += TWO_64;
  return { ranges, outside };
}
