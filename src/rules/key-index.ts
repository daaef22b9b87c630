/**
 * The key sets behind uniqueness and referential rules, in an SQLite file of the run rather than in
 * memory, so a 100-million-row table is checked in a few MB: each set holds the values loaded so far
 * (a uniqueness rule's values, or a parent table's keys for the references rules that point at it).
 * Values are stored as text (long ones as their SHA-256), one table with a composite primary key.
 *
 * Each claim is tagged with the partition and batch that made it ({@link tagged}), so that a partition
 * continuing from its last checkpoint first takes back the claims of the batches after it
 * ({@link releaseAfter}). The file survives a killed process (WAL), as the target's checkpoints do.
 *
 * It also keeps the raw values of the masked columns of rejected rows ({@link keepRejectedValues}): the
 * store holds them masked, and a replay needs them as the source had them. Holding raw data, the file
 * and its -wal and -shm files are readable by their owner only (0600); see key-index-file.ts.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { toJson } from '../core/json-values.ts';
import { createPrivateFile } from './key-index-file.ts';

/** Above this many characters a key is stored as its digest. */
const MAX_PLAIN_KEY = 64;

/** A key as stored: an integer stays an integer (ascending ids then append to the B-tree), all else is text. */
export type Key = string | number;

/** The stored form of a unique rule's values: a single safe integer as itself, anything else as text. */
export function uniqueKeyOf(values: readonly unknown[]): Key {
  const [first] = values;
  return values.length === 1 && Number.isSafeInteger(first) ? (first as number) : keyText(values);
}

/** The text form of one value or a combination of values (references compare parent and child as text). */
export function keyText(values: readonly unknown[]): string {
  const text = values.length === 1 ? valueText(values[0]) : JSON.stringify(values.map((v) => valueText(v)));
  return text.length > MAX_PLAIN_KEY ? `#${createHash('sha256').update(text).digest('base64')}` : text;
}

function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  return String(value);
}

export class KeyIndex {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement<[number, Key, number, number]>;
  private readonly remove: Database.Statement<[number, Key]>;
  private readonly lookup: Database.Statement<[number, Key]>;
  private readonly insertMany: Database.Statement<[number, number, number, string]>;
  private readonly sets = new Map<string, number>();
  /** The partition and batch that claims made now belong to. */
  private tag = { part: 0, batch: 0 };

  /** Opens (creating) the index file at `path`; `:memory:` for tests. */
  constructor(readonly path: string) {
    if (path !== ':memory:') createPrivateFile(path);
    // Partitions on other threads open the same file: a writer waits for another's batch to commit.
    this.db = new Database(path, { timeout: 60_000 });
    // WAL survives a killed process; a lost power supply may cost the last batches, which the
    // checkpoints then redo (fsync only at WAL checkpoints, not per batch).
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('cache_size = -4000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS key_sets (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
      CREATE TABLE IF NOT EXISTS parts (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
      CREATE TABLE IF NOT EXISTS keys (set_id INTEGER NOT NULL, key NOT NULL, part INTEGER NOT NULL DEFAULT 0,
        batch INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (set_id, key)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS rejected_values (table_name TEXT NOT NULL, row_key TEXT NOT NULL,
        values_json TEXT NOT NULL, PRIMARY KEY (table_name, row_key)) WITHOUT ROWID;`);
    this.insert = this.db.prepare(
      'INSERT OR IGNORE INTO keys (set_id, key, part, batch) VALUES (?, ?, ?, ?)',
    );
    this.remove = this.db.prepare('DELETE FROM keys WHERE set_id = ? AND key = ?');
    this.lookup = this.db.prepare('SELECT 1 FROM keys WHERE set_id = ? AND key = ?').pluck();
    // One statement per batch: the keys travel as one JSON array, and RETURNING names the new ones.
    this.insertMany = this.db
      .prepare(
        'INSERT INTO keys (set_id, key, part, batch) SELECT ?, value, ?, ? FROM json_each(?) WHERE true ON CONFLICT DO NOTHING RETURNING key',
      )
      .pluck();
  }

  /** The id of the set called `name`, created when new. */
  set(name: string): number {
    let id = this.sets.get(name);
    if (id === undefined) {
      id = this.idOf('key_sets', name);
      this.sets.set(name, id);
    }
    return id;
  }

  /** The id of the partition called `name` (e.g. `orders#3`), created when new. */
  part(name: string): number {
    return this.idOf('parts', name);
  }

  private idOf(table: 'key_sets' | 'parts', name: string): number {
    this.db.prepare(`INSERT OR IGNORE INTO ${table} (name) VALUES (?)`).run(name);
    return this.db.prepare(`SELECT id FROM ${table} WHERE name = ?`).pluck().get(name) as number;
  }

  /** Runs `work` (synchronous) with every claim it makes tagged as made by batch `batch` of partition `part`. */
  tagged<T>(part: number, batch: number, work: () => T): T {
    const before = this.tag;
    this.tag = { part, batch };
    try {
      return work();
    } finally {
      this.tag = before;
    }
  }

  /** Takes back every claim partition `part` made in batches after `batch` (0: all of its claims). */
  releaseAfter(part: number, batch: number): void {
    this.db.prepare('DELETE FROM keys WHERE part = ? AND batch > ?').run(part, batch);
  }

  /** Adds `key`; false when the set already held it. */
  claim(set: number, key: Key): boolean {
    return this.insert.run(set, key, this.tag.part, this.tag.batch).changes === 1;
  }

  /**
   * Claims many keys at once, in order: `result[i]` is true when `keys[i]` was new, so of two equal keys
   * in one call only the first one wins.
   */
  claimMany(set: number, keys: readonly Key[]): boolean[] {
    if (!keys.length) return [];
    const added = new Set(
      this.insertMany.all(set, this.tag.part, this.tag.batch, JSON.stringify(keys)) as Key[],
    );
    return keys.map((key) => added.delete(key));
  }

  /** Takes back a claim (a row that claimed a value but was rejected by another rule). */
  release(set: number, key: Key): void {
    this.remove.run(set, key);
  }

  has(set: number, key: Key): boolean {
    return this.lookup.get(set, key) !== undefined;
  }

  /**
   * Keeps the raw values of the masked columns of rejected rows of `table`, by the row's quarantine key
   * (a row rejected again after a resume or a replay replaces its entry).
   */
  keepRejectedValues(table: string, rows: readonly { key: string; values: Record<string, unknown> }[]): void {
    const put = this.db.prepare(
      'INSERT OR REPLACE INTO rejected_values (table_name, row_key, values_json) VALUES (?, ?, ?)',
    );
    this.db
      .transaction(() => {
        for (const row of rows) put.run(table, row.key, toJson(row.values));
      })
      .immediate();
  }

  /** The raw values {@link keepRejectedValues} kept for a rejected row, or undefined. */
  rejectedValues(table: string, key: string): Record<string, unknown> | undefined {
    const json = this.db
      .prepare('SELECT values_json FROM rejected_values WHERE table_name = ? AND row_key = ?')
      .pluck()
      .get(table, key) as string | undefined;
    return json === undefined ? undefined : (JSON.parse(json) as Record<string, unknown>);
  }

  /**
   * Runs `work` in one transaction: a batch's claims cost one commit. It takes the write lock first
   * (IMMEDIATE): with another connection writing (a partition on another thread), a transaction that
   * read first could not write any more.
   */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
