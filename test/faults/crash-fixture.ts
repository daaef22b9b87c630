/**
 * The fixture of the crash and fault tests: a small ERP in MariaDB (customers, orders, tags) migrated
 * to PostgreSQL with rules that reject rows, uniqueness and references checks (so the key index is
 * involved), several key-range partitions per table, and one table without an integer key. Also the
 * SQL fingerprint that proves two targets hold the same rows.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { stringify } from 'yaml';
import type { DatabaseEndpoint } from '../support/database-endpoints.ts';
import { POSTGRES } from '../support/databases.ts';

export const TABLES = { customers: 'id', orders: 'id', tags: 'code' } as const;

/** Creates and fills the source tables: 2 500 customers, 8 000 orders, 1 500 tags. */
export async function fillSource(source: DatabaseEndpoint): Promise<void> {
  await source.exec(`CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(80), name VARCHAR(60) NOT NULL,
    since DATE) ENGINE=InnoDB`);
  await source.exec(`CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL, amount DECIMAL(10,2),
    placed DATETIME(3), note TEXT, CONSTRAINT orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id))
    ENGINE=InnoDB`);
  await source.exec(`CREATE TABLE tags (code VARCHAR(20) PRIMARY KEY, label VARCHAR(40)) ENGINE=InnoDB`);
  const customers: string[] = [];
  for (let id = 1; id <= 2500; id++) {
    // Every 97th e-mail is malformed (rejected), every 151st repeats an earlier one (uniqueness).
    const email =
      id % 97 === 0 ? `broken${id}` : id % 151 === 0 ? `c${id - 1}@example.com` : `c${id}@example.com`;
    const since = `20${String(10 + (id % 15)).padStart(2, '0')}-${String(1 + (id % 12)).padStart(2, '0')}-${String(1 + (id % 28)).padStart(2, '0')}`;
    customers.push(`(${id}, '${email}', 'Customer ${id} Ünïcode', '${since}')`);
  }
  await source.exec(`INSERT INTO customers VALUES ${customers.join(',')}`);
  for (let start = 1; start <= 8000; start += 2000) {
    const orders: string[] = [];
    for (let id = start; id < start + 2000; id++) {
      const customer = 1 + ((id * 7) % 2500);
      const amount = id % 50 === 0 ? '-1.00' : `${(id * 13) % 10000}.${String(id % 100).padStart(2, '0')}`;
      orders.push(
        `(${id}, ${customer}, ${amount}, '2024-0${1 + (id % 9)}-1${id % 10} 10:${String(id % 60).padStart(2, '0')}:00.${id % 1000}', 'order ${id}')`,
      );
    }
    await source.exec(`INSERT INTO orders VALUES ${orders.join(',')}`);
  }
  const tags: string[] = [];
  for (let i = 1; i <= 1500; i++) tags.push(`('T${String(i).padStart(5, '0')}', 'label ${i % 13}')`);
  await source.exec(`INSERT INTO tags VALUES ${tags.join(',')}`);
}

/** Writes the spec of a migration from `source` to `target` in `dir` and returns its path. */
export async function writeSpec(
  dir: string,
  source: DatabaseEndpoint,
  target: DatabaseEndpoint,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const spec = {
    version: 1,
    name: 'crash-test',
    source: source.spec,
    target: target.spec,
    batchSize: 100,
    partitionRows: 1000,
    parallelism: 2,
    retry: { attempts: 8, initialDelayMs: 100, maxDelayMs: 1000 },
    tables: [
      {
        name: 'customers',
        columns: { email: { transform: ['lower'], rules: [{ format: 'email' }, { unique: true }] } },
      },
      {
        name: 'orders',
        columns: {
          amount: { rules: [{ min: 0 }] },
          customer_id: { rules: [{ references: { table: 'customers', column: 'id' } }] },
        },
      },
      { name: 'tags', columns: { label: { transform: ['upper'] } } },
    ],
    ...extra,
  };
  const file = join(dir, 'spec.yaml');
  await writeFile(file, stringify(spec));
  return file;
}

export interface TableFingerprint {
  rows: number;
  keys: number;
  hash: string;
}

/** Per table: rows, distinct keys and an MD5 over every row in key order, as PostgreSQL prints them. */
export async function fingerprint(schema: string): Promise<Record<string, TableFingerprint>> {
  const client = new pg.Client(POSTGRES);
  await client.connect();
  try {
    const result: Record<string, TableFingerprint> = {};
    for (const [table, key] of Object.entries(TABLES)) {
      const { rows } = await client.query<{ rows: string; keys: string; hash: string }>(
        `SELECT count(*) AS rows, count(DISTINCT t."${key}") AS keys,
                md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t."${key}"), '')) AS hash
           FROM "${schema}"."${table}" AS t`,
      );
      result[table] = { rows: Number(rows[0]!.rows), keys: Number(rows[0]!.keys), hash: rows[0]!.hash };
    }
    return result;
  } finally {
    await client.end();
  }
}

/** A seeded random number generator (mulberry32): the same kill points in every run of the test. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
