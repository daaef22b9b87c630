/**
 * Streams rows out of MySQL/MariaDB. Metadata queries share a small pool; every partition being read
 * gets a connection of its own, because a streaming result occupies its connection until it ends.
 */
import { keyRangeClause, keyRangeWhere } from '../key-range-clause.ts';
import type { Connection as CoreConnection } from 'mysql2';
import type { Connection } from 'mysql2/promise';
import type { MysqlEndpoint } from '../../spec/spec-schema.ts';
import type {
  ColumnSchema,
  DigestUnsupported,
  KeySpan,
  PartitionBounds,
  RangeDigests,
  RowBatch,
  Source,
  TableSchema,
} from '../connector.ts';
import { digestMysqlRanges } from './mysql-digest.ts';
import { openMysqlPool, openMysqlReadConnection, type MysqlPool } from './mysql-connection.ts';
import { MysqlIntrospector } from './mysql-introspector.ts';
import { readConverterFor, rowConverter, selectExpression, type ZeroDates } from './mysql-read-values.ts';
import { quoteMysqlIdentifier as q } from './mysql-types.ts';
import { rowBatches } from './mysql-row-batches.ts';

/** Opens a MySQL/MariaDB database as a source; fails now (naming `name`) if it cannot connect. */
export async function openMysqlSource(endpoint: MysqlEndpoint, name: string): Promise<Source> {
  const pool = await openMysqlPool(endpoint, name, 'source');
  return new MysqlSource(endpoint, pool);
}

/** The SELECT for one partition: `[from, to)` of an integer key, open ends left out. */
function partitionQuery(table: TableSchema, columns: ColumnSchema[], bounds: PartitionBounds): string {
  const range = keyRangeClause(bounds, q, integerLiteral);
  return `SELECT ${columns.map(selectExpression).join(', ')} FROM ${q(table.name)}${range.sql}`;
}

function integerLiteral(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`partition bound ${value} is not an integer`);
  return String(value);
}

/** Destroys the socket at once; mysql2's destroy() only ends it politely. */
function hardClose(connection: Connection): void {
  const core = (connection as unknown as { connection: { stream?: { destroy(): void } } }).connection;
  core.stream?.destroy();
  connection.destroy();
}

class MysqlSource implements Source {
  readonly introspector: MysqlIntrospector;
  private readonly zeroDates: ZeroDates;
  /** Connections of reads in progress, destroyed by close(). */
  private readonly reading = new Set<Connection>();

  constructor(
    private readonly endpoint: MysqlEndpoint,
    private readonly pool: MysqlPool,
  ) {
    this.introspector = new MysqlIntrospector(pool, {
      tinyint1AsBoolean: endpoint.tinyint1AsBoolean ?? true,
    });
    this.zeroDates = endpoint.zeroDates ?? 'null';
  }

  async *read(
    table: TableSchema,
    columns: string[],
    bounds: PartitionBounds,
    batchSize: number,
  ): AsyncGenerator<RowBatch> {
    const schemas = columns.map((name) => {
      const column = table.columns.find((c) => c.name === name);
      if (!column) throw new Error(`table "${table.name}" has no column "${name}"`);
      return column;
    });
    const convert = rowConverter(schemas.map((c) => readConverterFor(c, this.zeroDates)));
    const sql = partitionQuery(table, schemas, bounds);
    const connection = await openMysqlReadConnection(this.endpoint);
    this.reading.add(connection);
    const core = (connection as unknown as { connection: CoreConnection }).connection;
    let complete = false;
    try {
      const stream = core.query({ sql, rowsAsArray: true }).stream({ highWaterMark: batchSize });
      // mysql2 tells a lost connection (server gone, query killed) only to the connection, not to a
      // streaming query: without this the read would wait forever.
      core.on('error', (error: Error) => stream.destroy(error));
      yield* rowBatches(stream, batchSize, convert);
      complete = true;
    } finally {
      this.reading.delete(connection);
      if (complete) await connection.end().catch(() => hardClose(connection));
      else await this.abandon(connection);
    }
  }

  /**
   * Ends a read that stopped early (the consumer returned or failed). The server is blocked writing
   * the rest of the result to a paused socket: closing the socket (not mysql2's graceful end, which
   * only half-closes it) makes that write fail, and KILL CONNECTION makes sure the thread goes.
   */
  private async abandon(connection: Connection): Promise<void> {
    const threadId = Number(connection.threadId);
    hardClose(connection);
    if (Number.isSafeInteger(threadId) && threadId > 0) {
      await this.pool.rows(`KILL CONNECTION ${threadId}`).catch(() => {}); // gone already: fine
    }
  }

  async countRows(table: TableSchema, bounds: PartitionBounds): Promise<number> {
    const range = keyRangeWhere(bounds, q, integerLiteral);
    const [row] = await this.pool.rows<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM ${q(table.name)}${range.sql}`,
    );
    return Number(row!.n);
  }

  /** See Source.digestRanges: as many queries at once as the pool has connections. */
  digestRanges(
    table: TableSchema,
    hashed: readonly ColumnSchema[],
    keyColumn: string | null,
    spans: readonly KeySpan[],
  ): Promise<RangeDigests | DigestUnsupported> {
    const concurrency = this.endpoint.poolSize ?? 4;
    return digestMysqlRanges(this.pool, table, hashed, keyColumn, spans, concurrency);
  }

  async close(): Promise<void> {
    await Promise.all([...this.reading].map((connection) => this.abandon(connection)));
    this.reading.clear();
    await this.pool.end();
  }
}
