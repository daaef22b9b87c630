/**
 * Connections to a MySQL/MariaDB server: the driver options every connection shares, the session
 * settings of sources and targets, and a small pool wrapper that applies them. mysql2 types stay in
 * this folder.
 */
import mysql from 'mysql2/promise';
import type { Connection, ConnectionOptions, Pool, PoolConnection } from 'mysql2/promise';
import type { MysqlEndpoint } from '../../spec/spec-schema.ts';
import { CONNECT_TIMEOUT_MS, connectionFailed } from '../connection-errors.ts';

export type Role = 'source' | 'target';

/**
 * Session settings. Both: UTC for TIMESTAMP values, and a known sql_mode (no ANSI_QUOTES or
 * NO_BACKSLASH_ESCAPES, which would change how our SQL and literals parse).
 * - source: long network timeouts, because backpressure may leave a result unread for a while;
 * - target: strict (a value that does not fit fails instead of being truncated), NO_AUTO_VALUE_ON_ZERO
 *   (an id 0 stays 0), and no foreign key checks (parents and children load in parallel; orphans are
 *   counted by Verification and constraints added after the load).
 */
const SESSION_SQL: Record<Role, string> = {
  source: `SET time_zone = '+00:00', sql_mode = '', net_write_timeout = 86400, net_read_timeout = 86400`,
  target:
    `SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION', ` +
    `foreign_key_checks = 0, net_read_timeout = 3600, net_write_timeout = 3600`,
};

/**
 * Driver options: utf8mb4 (latin1 and utf8mb4 columns arrive as correct strings), dates, times and
 * JSON as text, exact integers (numbers, or strings beyond 2^53), DECIMAL as strings.
 */
export function connectionOptions(endpoint: MysqlEndpoint): ConnectionOptions {
  return {
    host: endpoint.host ?? '127.0.0.1',
    port: endpoint.port ?? 3306,
    user: endpoint.user ?? 'root',
    ...(endpoint.password === undefined ? {} : { password: endpoint.password }),
    database: endpoint.database,
    charset: 'utf8mb4',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
    decimalNumbers: false,
    jsonStrings: true,
    timezone: 'Z',
    multipleStatements: false,
    connectTimeout: CONNECT_TIMEOUT_MS,
    enableKeepAlive: true,
  };
}

/** A pool whose connections carry the session settings of their role. */
export class MysqlPool {
  private readonly prepared = new WeakSet<object>();

  /** True when the server is MariaDB (it reports defaults and JSON columns differently). */
  mariadb = false;

  constructor(
    private readonly pool: Pool,
    readonly role: Role,
  ) {}

  /** A connection with the session settings applied; release it when done. */
  async acquire(): Promise<PoolConnection> {
    return prepareSession(await this.pool.getConnection(), this.role, this.prepared);
  }

  /** Runs `work` on a pooled connection and releases it afterwards. */
  async use<T>(work: (connection: PoolConnection) => Promise<T>): Promise<T> {
    const connection = await this.acquire();
    try {
      return await work(connection);
    } finally {
      connection.release();
    }
  }

  /** The rows of one query, as objects. */
  async rows<T>(sql: string, values: unknown[] = []): Promise<T[]> {
    return this.use(async (connection) => {
      // No values, no formatting: a `?` inside DDL (a comment, a default) stays as it is.
      const [rows] = values.length ? await connection.query(sql, values) : await connection.query(sql);
      return rows as T[];
    });
  }

  async end(): Promise<void> {
    await this.pool.end();
  }
}

async function prepareSession<C extends Connection>(
  connection: C,
  role: Role,
  prepared?: WeakSet<object>,
): Promise<C> {
  const core = (connection as unknown as { connection: object }).connection ?? connection;
  if (prepared?.has(core)) return connection;
  try {
    await connection.query(SESSION_SQL[role]);
  } catch (error) {
    connection.destroy();
    throw error;
  }
  prepared?.add(core);
  return connection;
}

/**
 * Opens a pool of `poolSize` connections and makes the first one, so that a wrong host, password or
 * database is reported now, naming the connection (never the password).
 */
export async function openMysqlPool(endpoint: MysqlEndpoint, name: string, role: Role): Promise<MysqlPool> {
  const pool = mysql.createPool({
    ...connectionOptions(endpoint),
    connectionLimit: endpoint.poolSize ?? 4,
    waitForConnections: true,
    queueLimit: 0,
  });
  const wrapper = new MysqlPool(pool, role);
  try {
    const [row] = await wrapper.rows<{ version: string }>('SELECT VERSION() AS version');
    wrapper.mariadb = /mariadb/i.test(row?.version ?? '');
  } catch (error) {
    await pool.end().catch(() => {});
    throw connectionFailed(name, role, error);
  }
  return wrapper;
}

/** A connection of its own (not pooled), for one streaming read. */
export async function openMysqlReadConnection(endpoint: MysqlEndpoint): Promise<Connection> {
  const connection = await mysql.createConnection(connectionOptions(endpoint));
  // An 'error' event without a listener would crash the process; the read adds the one that matters.
  (connection as unknown as { connection: Connection }).connection.on('error', () => {});
  return prepareSession(connection, 'source');
}
