/**
 * Streams rows out of PostgreSQL with a server-side cursor (pg-cursor): one pooled connection per
 * partition being read, `batchSize` rows per fetch, the next fetch running while the consumer works on
 * the current batch. Values arrive in canonical form through per-query type parsers.
 */
import { keyRangeClause, keyRangeWhere } from '../key-range-clause.ts';
import type pg from 'pg';
import type { CustomTypesConfig } from 'pg';
import Cursor from 'pg-cursor';
import type { PostgresEndpoint } from '../../spec/spec-schema.ts';
import type {
  ColumnSchema,
  DigestUnsupported,
  KeySpan,
  PartitionBounds,
  RangeDigests,
  Row,
  RowBatch,
  Source,
  TableSchema,
} from '../connector.ts';
import { digestPostgresRanges } from './postgres-digest.ts';
import { openPostgresPool } from './postgres-connection.ts';
import { quotePostgresIdentifier } from './postgres-identifiers.ts';
import { PostgresIntrospector } from './postgres-introspector.ts';
import { canonicalTypeParsers } from './postgres-value-parsers.ts';

/** Opens a PostgreSQL database as a source; `name` describes it (without password) for messages. */
export async function openPostgresSource(endpoint: PostgresEndpoint, name: string): Promise<Source> {
  const pool = await openPostgresPool(endpoint, name, 'source');
  return new PostgresSource(pool, endpoint.schema ?? 'public');
}

/** The SELECT for one partition: a half-open key range in key order, or the whole table. */
export function selectForPartition(
  schema: string,
  table: string,
  columns: string[],
  bounds: PartitionBounds,
): { text: string; values: number[] } {
  const range = keyRangeClause(bounds, quotePostgresIdentifier, (_value, position) => `$${position}::bigint`);
  const from = `${quotePostgresIdentifier(schema)}.${quotePostgresIdentifier(table)}`;
  return {
    text: `SELECT ${columns.map(quotePostgresIdentifier).join(', ')} FROM ${from}${range.sql}`,
    values: range.params,
  };
}

/**
 * The next rows of a cursor. The fetch may fail while nobody awaits it yet (the consumer holds the
 * previous batch): it is marked handled so that is no unhandled rejection; awaiting it still throws.
 */
function fetchRows(cursor: Cursor<Row>, rows: number): Promise<Row[]> {
  const next = cursor.read(rows);
  next.catch(() => {});
  return next;
}

export class PostgresSource implements Source {
  readonly introspector: PostgresIntrospector;
  private typeParsers: Promise<CustomTypesConfig> | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
  ) {
    this.introspector = new PostgresIntrospector(pool, schema);
  }

  /** Parsers for every array type of the database (user enum arrays included), loaded once. */
  private parsers(): Promise<CustomTypesConfig> {
    this.typeParsers ??= this.pool
      .query<{ oid: number; typelem: number }>(
        `SELECT oid, typelem FROM pg_type WHERE typcategory = 'A' AND typelem <> 0`,
      )
      .then(({ rows }) => canonicalTypeParsers(new Map(rows.map((r) => [r.oid, r.typelem]))))
      .catch((error: unknown) => {
        this.typeParsers = null; // ask again next time
        throw error;
      });
    return this.typeParsers;
  }

  async *read(
    table: TableSchema,
    columns: string[],
    bounds: PartitionBounds,
    batchSize: number,
  ): AsyncGenerator<RowBatch> {
    const types = await this.parsers();
    const { text, values } = selectForPartition(this.schema, table.name, columns, bounds);
    const client = await this.pool.connect();
    let cursor: Cursor<Row> | null = null;
    let pending: Promise<Row[]> | null = null;
    let failure: Error | undefined;
    try {
      cursor = client.query(new Cursor<Row>(text, values, { rowMode: 'array', types }));
      pending = fetchRows(cursor, batchSize);
      for (;;) {
        const rows: Row[] = await pending;
        // A short fetch means the portal is exhausted; otherwise fetch the next batch while the
        // consumer works on this one.
        pending = rows.length === batchSize ? fetchRows(cursor, batchSize) : null;
        if (rows.length > 0) yield rows;
        if (pending === null) return;
      }
    } catch (error) {
      failure = error as Error;
      throw error;
    } finally {
      if (pending !== null) await pending.catch((error: Error) => (failure ??= error));
      // After a failure the connection is discarded (release with an error) rather than trusted;
      // otherwise the portal is closed, e.g. when the consumer stopped early.
      if (cursor !== null && failure === undefined) {
        await cursor.close().catch((error: Error) => (failure = error));
      }
      client.release(failure);
    }
  }

  async countRows(table: TableSchema, bounds: PartitionBounds): Promise<number> {
    const range = keyRangeWhere(
      bounds,
      quotePostgresIdentifier,
      (_value, position) => `$${position}::bigint`,
    );
    const from = `${quotePostgresIdentifier(this.schema)}.${quotePostgresIdentifier(table.name)}`;
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${from}${range.sql}`,
      range.params,
    );
    return Number(rows[0]!.n);
  }

  /** See Source.digestRanges: as many queries at once as the pool has connections. */
  digestRanges(
    table: TableSchema,
    hashed: readonly ColumnSchema[],
    keyColumn: string | null,
    spans: readonly KeySpan[],
  ): Promise<RangeDigests | DigestUnsupported> {
    const concurrency = this.pool.options.max ?? 1;
    return digestPostgresRanges(this.pool, this.schema, table, hashed, keyColumn, spans, concurrency);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
