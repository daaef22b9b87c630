/**
 * The three database kinds a migration can read from and write to, each behind the same small helper:
 * create the shop fixture as a source, name a fresh target, read rows back and inspect schema objects.
 * PostgreSQL tests use their own schema, MySQL tests their own database, SQLite tests their own file.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { MYSQL, POSTGRES } from './databases.ts';

export type DatabaseKind = 'sqlite' | 'postgres' | 'mysql';

export interface DatabaseEndpoint {
  kind: DatabaseKind;
  /** The spec endpoint. */
  spec: Record<string, unknown>;
  /** Rows of a table ordered by its first column, values normalised to plain JS (see normalise). */
  rows(table: string): Promise<Record<string, unknown>[]>;
  /** Inserts a row without giving the key and returns the key the database chose. */
  insertWithoutKey(table: string, columns: Record<string, unknown>): Promise<number>;
  /** Names of unique indexes/constraints and foreign keys of a table, and its primary key columns. */
  schemaObjects(table: string): Promise<{ primaryKey: string[]; unique: string[][]; foreignKeys: string[] }>;
  /** Runs SQL (setup). */
  exec(sql: string): Promise<void>;
  drop(): Promise<void>;
}

const PG = POSTGRES;
const MY = MYSQL;

function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

/** Plain JS for comparison: numbers stay numbers, decimals compare as numbers, booleans as booleans. */
export function normalise(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('hex');
  return value;
}

export async function sqliteEndpoint(dir: string): Promise<DatabaseEndpoint> {
  const path = join(dir, `${uniqueName('db')}.sqlite`);
  const open = () => new Database(path);
  return {
    kind: 'sqlite',
    spec: { type: 'sqlite', path },
    async rows(table) {
      const db = open();
      try {
        return db.prepare(`SELECT * FROM "${table}" ORDER BY 1`).all() as Record<string, unknown>[];
      } finally {
        db.close();
      }
    },
    async insertWithoutKey(table, columns) {
      const db = open();
      try {
        const names = Object.keys(columns);
        const info = db
          .prepare(
            `INSERT INTO "${table}" (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
          )
          .run(...Object.values(columns));
        return Number(info.lastInsertRowid);
      } finally {
        db.close();
      }
    },
    async schemaObjects(table) {
      const db = open();
      try {
        const info = db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string; pk: number }[];
        const indexes = db.prepare(`PRAGMA index_list("${table}")`).all() as {
          name: string;
          unique: number;
          origin: string;
        }[];
        const unique = indexes
          .filter((i) => i.unique && i.origin !== 'pk')
          .map((i) =>
            (db.prepare(`PRAGMA index_info("${i.name}")`).all() as { name: string }[]).map((c) => c.name),
          );
        const fks = db.prepare(`PRAGMA foreign_key_list("${table}")`).all() as {
          table: string;
          from: string;
        }[];
        return {
          primaryKey: info
            .filter((c) => c.pk > 0)
            .sort((a, b) => a.pk - b.pk)
            .map((c) => c.name),
          unique,
          foreignKeys: fks.map((f) => `${f.from}->${f.table}`),
        };
      } finally {
        db.close();
      }
    },
    async exec(sql) {
      const db = open();
      db.exec(sql);
      db.close();
    },
    async drop() {},
  };
}

export async function postgresEndpoint(): Promise<DatabaseEndpoint> {
  const schema = uniqueName('jivs_e2e');
  const pool = new pg.Pool({ ...PG, max: 2 });
  pool.on('error', () => {});
  await pool.query(`CREATE SCHEMA "${schema}"`);
  return {
    kind: 'postgres',
    spec: { type: 'postgres', ...PG, schema },
    async rows(table) {
      const result = await pool.query({
        text: `SELECT * FROM "${schema}"."${table}" ORDER BY 1`,
        types: { getTypeParser: () => (v: string) => v },
      });
      return result.rows;
    },
    async insertWithoutKey(table, columns) {
      const names = Object.keys(columns);
      const result = await pool.query(
        `INSERT INTO "${schema}"."${table}" (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING 1 AS ok, *`,
        Object.values(columns),
      );
      return Number(Object.values(result.rows[0] as Record<string, unknown>)[1]);
    },
    async schemaObjects(table) {
      const constraints = await pool.query<{ contype: string; columns: string[]; ref: string | null }>(
        `SELECT c.contype, ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o)::text[] AS columns,
                c.confrelid::regclass::text AS ref
           FROM pg_constraint c WHERE c.conrelid = $1::regclass`,
        [`"${schema}"."${table}"`],
      );
      const uniqueIndexes = await pool.query<{ columns: string[] }>(
        `SELECT ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o)::text[] AS columns
           FROM pg_index i WHERE i.indrelid = $1::regclass AND i.indisunique AND NOT i.indisprimary`,
        [`"${schema}"."${table}"`],
      );
      return {
        primaryKey: constraints.rows.find((c) => c.contype === 'p')?.columns ?? [],
        unique: uniqueIndexes.rows.map((r) => r.columns),
        foreignKeys: constraints.rows
          .filter((c) => c.contype === 'f')
          .map((c) => `${c.columns.join(',')}->${(c.ref ?? '').replace(`${schema}.`, '').replace(/"/g, '')}`),
      };
    },
    async exec(sql) {
      await pool.query(`SET search_path TO "${schema}"; ${sql}`);
    },
    async drop() {
      await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
      await pool.end();
    },
  };
}

export async function mysqlEndpoint(): Promise<DatabaseEndpoint> {
  const database = uniqueName('jivs_e2e');
  const admin = await mysql.createConnection({ ...MY, multipleStatements: true });
  await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
  await admin.query(`USE \`${database}\``);
  return {
    kind: 'mysql',
    spec: { type: 'mysql', ...MY, database },
    async rows(table) {
      const [rows] = await admin.query({ sql: `SELECT * FROM \`${table}\` ORDER BY 1`, dateStrings: true });
      return rows as Record<string, unknown>[];
    },
    async insertWithoutKey(table, columns) {
      const [result] = await admin.query(`INSERT INTO \`${table}\` SET ?`, [columns]);
      return (result as { insertId: number }).insertId;
    },
    async schemaObjects(table) {
      const [keys] = await admin.query(
        `SELECT constraint_name AS name, column_name AS col, referenced_table_name AS ref
           FROM information_schema.key_column_usage WHERE table_schema = ? AND table_name = ? ORDER BY constraint_name, ordinal_position`,
        [database, table],
      );
      const [indexes] = await admin.query(
        `SELECT index_name AS name, column_name AS col FROM information_schema.statistics
          WHERE table_schema = ? AND table_name = ? AND non_unique = 0 AND index_name <> 'PRIMARY' ORDER BY index_name, seq_in_index`,
        [database, table],
      );
      const group = (rows: { name: string; col: string }[]) => {
        const map = new Map<string, string[]>();
        for (const r of rows) map.set(r.name, [...(map.get(r.name) ?? []), r.col]);
        return map;
      };
      const keyRows = keys as { name: string; col: string; ref: string | null }[];
      return {
        primaryKey: keyRows.filter((k) => k.name === 'PRIMARY').map((k) => k.col),
        unique: [...group(indexes as { name: string; col: string }[]).values()],
        foreignKeys: [...group(keyRows.filter((k) => k.ref !== null)).entries()].map(
          ([name, cols]) => `${cols.join(',')}->${keyRows.find((k) => k.name === name)!.ref}`,
        ),
      };
    },
    async exec(sql) {
      await admin.query(sql);
    },
    async drop() {
      await admin.query(`DROP DATABASE \`${database}\``);
      await admin.end();
    },
  };
}
