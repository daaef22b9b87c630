/**
 * Loads rows into PostgreSQL: tables created with mapped types in the endpoint's schema, rows bulk
 * loaded with COPY over a pool of connections, indexes and constraints added after the data.
 */
import type pg from 'pg';
import { InputError } from '../../core/errors.ts';
import type { PostgresEndpoint } from '../../spec/spec-schema.ts';
import type {
  CheckpointTable,
  PreparedTable,
  Sink,
  TableMode,
  TableSchema,
  TableWriter,
} from '../connector.ts';
import { postgresCheckpointTable } from './postgres-checkpoints.ts';
import { openPostgresPool } from './postgres-connection.ts';
import { openCopyWriter } from './postgres-copy-writer.ts';
import {
  addPostgresForeignKeys,
  countForeignKeyViolations,
  finalizePostgresTable,
} from './postgres-finalize.ts';
import {
  ident,
  qualified,
  quotePostgresIdentifier,
  shortenPostgresIdentifier,
} from './postgres-identifiers.ts';
import { postgresTableDdl } from './postgres-ddl.ts';
import { candidateDefaults, type EnumStyle } from './postgres-table-ddl.ts';

/** Opens a PostgreSQL database as a target; `name` describes it (without password) for messages. */
export async function openPostgresSink(endpoint: PostgresEndpoint, name: string): Promise<Sink> {
  const pool = await openPostgresPool(endpoint, name, 'target');
  const schema = endpoint.schema ?? 'public';
  try {
    await checkCanCreateTables(pool, schema, name);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return new PostgresSink(pool, schema, endpoint.enums ?? 'check');
}

/**
 * Refuses, before any data moves, a user who may not create the target tables: permission denied
 * found mid-run would leave a half-made target.
 */
async function checkCanCreateTables(pool: pg.Pool, schema: string, name: string): Promise<void> {
  const { rows } = await pool.query<{ user: string; exists: boolean; allowed: boolean }>(
    `SELECT current_user AS user, n.oid IS NOT NULL AS exists,
            CASE WHEN n.oid IS NOT NULL THEN has_schema_privilege(n.oid, 'CREATE')
                 ELSE has_database_privilege(current_database(), 'CREATE') END AS allowed
       FROM (SELECT 1) AS one LEFT JOIN pg_namespace n ON n.nspname = $1`,
    [shortenPostgresIdentifier(schema)],
  );
  const { user, exists, allowed } = rows[0]!;
  if (allowed) return;
  const fix = exists
    ? `grant it (GRANT CREATE ON SCHEMA "${schema}" TO "${user}") or choose another target schema`
    : `create the schema first (CREATE SCHEMA "${schema}") and grant CREATE on it, or choose another target schema`;
  throw new InputError([
    {
      path: 'target.schema',
      message: `permission denied on ${name}: user "${user}" may not create tables in schema "${schema}"; ${fix}.`,
    },
  ]);
}

interface ForeignKeyRow {
  schema: string;
  table: string;
  name: string;
}

/**
 * Every name the sink sends to the server goes through postgres-identifiers.ts (quoted, and shortened
 * to 63 bytes), so the same TableSchema maps to the same objects in every method.
 */
export class PostgresSink implements Sink {
  readonly checkpoints: CheckpointTable;

  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly enums: EnumStyle,
  ) {
    this.checkpoints = postgresCheckpointTable(pool, schema);
  }

  async tableExists(table: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
      [shortenPostgresIdentifier(this.schema), shortenPostgresIdentifier(table)],
    );
    return (rowCount ?? 0) > 0;
  }

  async prepareTable(table: TableSchema, mode: TableMode): Promise<PreparedTable> {
    const exists = await this.tableExists(table.name);
    if (exists && mode === 'fail-if-exists') {
      throw new InputError(
        `target table "${table.name}" already exists in schema "${this.schema}"; drop it or choose mode create, truncate or append.`,
      );
    }
    if (exists && (mode === 'truncate' || mode === 'append')) {
      // Foreign keys are added back by finalizeTable; while partitions load in parallel a child row
      // may arrive before its parent row.
      await this.dropForeignKeys(table, mode === 'truncate');
      if (mode === 'append') return { rowsBefore: await this.countRows(table.name) };
      await this.pool.query(`TRUNCATE ${qualified(this.schema, table.name)}`);
      return { rowsBefore: 0 };
    }
    await this.createSchema();
    await this.createTable(table);
    return { rowsBefore: 0 };
  }

  private async createSchema(): Promise<void> {
    // CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when the schema exists: ask first.
    const { rowCount } = await this.pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [
      shortenPostgresIdentifier(this.schema),
    ]);
    if (!rowCount) await this.pool.query(`CREATE SCHEMA IF NOT EXISTS ${ident(this.schema)}`);
  }

  /** Drops and creates the table (and its enum types) in one transaction. */
  private async createTable(table: TableSchema): Promise<void> {
    const ddl = postgresTableDdl(this.schema, table, this.enums, await this.acceptedDefaults(table));
    const statements = [...ddl.drop, ...ddl.create];
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      for (const statement of statements) await client.query(statement);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw new Error(`cannot create target table "${table.name}": ${(error as Error).message}`, {
        cause: error,
      });
    } finally {
      client.release(broken);
    }
  }

  /**
   * The defaults the server accepts for their column's type; a literal that is not a valid value
   * (a MySQL zero date, text for a number) is left out rather than failing the table. Planning has
   * checked the defaults of a migration already (and lists those it drops as not migrated): this is
   * the safety net for tables given to the sink directly.
   */
  private async acceptedDefaults(table: TableSchema): Promise<Map<string, string>> {
    const accepted = new Map<string, string>();
    for (const candidate of candidateDefaults(table)) {
      try {
        await this.pool.query(`SELECT (${candidate.expression})::${candidate.checkType}`);
        accepted.set(candidate.column, candidate.expression);
      } catch {
        // Not a value of the column's type: the column gets no default.
      }
    }
    return accepted;
  }

  /**
   * Drops the table's own foreign keys that finalizeTable adds back, and with `incoming` the foreign
   * keys of other tables that reference it (TRUNCATE refuses otherwise — as DROP TABLE … CASCADE does
   * in create mode; those of migrated tables are added back when those tables are finalized).
   */
  private async dropForeignKeys(table: TableSchema, incoming: boolean): Promise<void> {
    const own = table.foreignKeys.map((fk) => shortenPostgresIdentifier(fk.name));
    const { rows } = await this.pool.query<ForeignKeyRow>(
      `SELECT cn.nspname AS schema, c.relname AS table, con.conname AS name
         FROM pg_constraint con
         JOIN pg_class c ON c.oid = con.conrelid
         JOIN pg_namespace cn ON cn.oid = c.relnamespace
         JOIN pg_class r ON r.oid = con.confrelid
         JOIN pg_namespace rn ON rn.oid = r.relnamespace
        WHERE con.contype = 'f' AND con.conparentid = 0
          AND ((cn.nspname = $1 AND c.relname = $2 AND con.conname = ANY ($3::text[]))
               OR ($4 AND rn.nspname = $1 AND r.relname = $2 AND con.conrelid <> con.confrelid))`,
      [shortenPostgresIdentifier(this.schema), shortenPostgresIdentifier(table.name), own, incoming],
    );
    for (const row of rows) {
      await this.pool.query(
        `ALTER TABLE ${quotePostgresIdentifier(row.schema)}.${quotePostgresIdentifier(row.table)} DROP CONSTRAINT IF EXISTS ${quotePostgresIdentifier(row.name)}`,
      );
    }
  }

  async openWriter(table: TableSchema): Promise<TableWriter> {
    return openCopyWriter(this.pool, this.schema, table);
  }

  async finalizeTable(table: TableSchema): Promise<void> {
    await finalizePostgresTable(this.pool, this.schema, table);
  }

  async addForeignKeys(table: TableSchema): Promise<void> {
    await addPostgresForeignKeys(this.pool, this.schema, table);
  }

  async foreignKeyViolations(table: TableSchema): Promise<number> {
    return countForeignKeyViolations(this.pool, this.schema, table);
  }

  async countRows(table: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${qualified(this.schema, table)}`,
    );
    return Number(rows[0]!.n);
  }

  async dropTable(table: string): Promise<void> {
    await this.pool.query(`DROP TABLE IF EXISTS ${qualified(this.schema, table)} CASCADE`);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
