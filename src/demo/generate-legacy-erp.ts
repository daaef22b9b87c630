/**
 * Generates the demo source: a SQLite file that looks like a legacy ERP database, with realistic,
 * reproducible (seeded) rows and a known amount of deliberately dirty data for the rules to find.
 */
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { DirtyCount } from './dirty-column.ts';
import { insertCustomers } from './insert-customers.ts';
import { insertOrders } from './insert-orders.ts';
import { insertProducts } from './insert-products.ts';
import { LEGACY_ERP_INDEXES, LEGACY_ERP_TABLES } from './legacy-erp-schema.ts';
import { SeededRandom } from './seeded-random.ts';
import type { RowGenerator, TableResult } from './table-result.ts';

export type { DirtyCount } from './dirty-column.ts';

/** Options of {@link generateLegacyErp}. */
export interface LegacyErpOptions {
  /** Total rows over all tables (default 100,000). */
  rows?: number;
  /** Seed of the random data: the same seed gives the same rows (default 42). */
  seed?: number;
  /** Called every 10,000 rows and at the end with the rows written so far and the planned total. */
  onProgress?: (rowsWritten: number, rowsPlanned: number) => void;
}

/** What {@link generateLegacyErp} wrote. */
export interface LegacyErpSummary {
  path: string;
  tables: { name: string; rows: number }[];
  totalRows: number;
  /** Deliberately dirty rows per table, column and kind of dirt. */
  dirty: DirtyCount[];
}

const PROGRESS_EVERY = 10_000;

/** Rows per table for a total: customers 10 %, products 2 %, orders 30 %, order lines 58 %. */
function plan(total: number): { customers: number; products: number; orders: number; orderLines: number } {
  const customers = Math.max(1, Math.round(total * 0.1));
  const products = Math.max(1, Math.round(total * 0.02));
  const orders = Math.max(1, Math.round(total * 0.3));
  const orderLines = Math.max(orders, total - customers - products - orders);
  return { customers, products, orders, orderLines };
}

function checkOptions(options: LegacyErpOptions): { rows: number; seed: number } {
  const rows = options.rows ?? 100_000;
  const seed = options.seed ?? 42;
  if (!Number.isSafeInteger(rows) || rows < 4)
    throw new RangeError(`rows must be an integer ≥ 4, got ${rows}.`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}.`);
  return { rows, seed };
}

function removeDatabase(path: string): void {
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(path + suffix, { force: true });
}

/**
 * Creates the file and runs the table generators inside one transaction. Yields every PROGRESS_EVERY
 * rows, where the async variant lets the event loop run; returns what each table got.
 */
function* writeDatabase(path: string, rows: number, seed: number, progress: (written: number) => void) {
  removeDatabase(path);
  const db = new Database(path);
  let committed = false;
  try {
    db.pragma('foreign_keys = OFF'); // legacy data has orphans; better-sqlite3 turns enforcement on
    db.pragma('journal_mode = MEMORY');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -65536');
    for (const ddl of LEGACY_ERP_TABLES) db.exec(ddl);
    const counts = plan(rows);
    const random = new SeededRandom(seed);
    const prices = new Float64Array(counts.products);
    const generators: RowGenerator[] = [
      insertCustomers(db, random, seed, counts.customers),
      insertProducts(db, random, seed, counts.products, prices),
      insertOrders(db, random, { ...counts, prices }),
    ];
    const results: TableResult[] = [];
    let written = 0;
    db.exec('BEGIN');
    for (const generator of generators) {
      for (;;) {
        const step = generator.next();
        if (step.done) {
          results.push(...step.value);
          break;
        }
        if (++written % PROGRESS_EVERY === 0) {
          progress(written);
          yield;
        }
      }
    }
    for (const ddl of LEGACY_ERP_INDEXES) db.exec(ddl);
    db.exec('COMMIT');
    committed = true;
    progress(written);
    return results;
  } finally {
    db.close();
    if (!committed) removeDatabase(path);
  }
}

function summarize(path: string, results: TableResult[]): LegacyErpSummary {
  return {
    path,
    tables: results.map((r) => ({ name: r.table, rows: r.rows })),
    totalRows: results.reduce((sum, r) => sum + r.rows, 0),
    dirty: results.flatMap((r) => r.dirty),
  };
}

/**
 * Writes a new legacy-ERP SQLite database at `path` (replacing any file there): Customers, Products,
 * Orders and OrderLines with about `rows` rows in total, in one transaction with memory independent of
 * the row count. Yields to the event loop every 10,000 rows.
 * @returns the tables, row counts and dirty-row counts written.
 */
export async function generateLegacyErp(
  path: string,
  options: LegacyErpOptions = {},
): Promise<LegacyErpSummary> {
  const { rows, seed } = checkOptions(options);
  const steps = writeDatabase(path, rows, seed, (written) => options.onProgress?.(written, rows));
  for (;;) {
    const step = steps.next();
    if (step.done) return summarize(path, step.value);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** {@link generateLegacyErp} without yielding to the event loop, for scripts and worker threads. */
export function generateLegacyErpSync(path: string, options: LegacyErpOptions = {}): LegacyErpSummary {
  const { rows, seed } = checkOptions(options);
  const steps = writeDatabase(path, rows, seed, (written) => options.onProgress?.(written, rows));
  for (;;) {
    const step = steps.next();
    if (step.done) return summarize(path, step.value);
  }
}
