import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import type { PartitionBounds, RowBatch, Source, TableSchema } from '../../../src/connectors/connector.ts';
import { openSqliteSource } from '../../../src/connectors/sqlite/sqlite-source.ts';
import { splitIntoPartitions } from '../../../src/plan/partitions.ts';
import { InputError } from '../../../src/core/errors.ts';
import { tempDir } from '../../support/temp-dir.ts';

/** Builds a database file with `build`, opens it as a source and closes the source after the test. */
async function sourceFrom(
  t: TestContext,
  build: (db: Database.Database) => void,
): Promise<{ path: string; source: Source }> {
  const path = join(await tempDir('jivs-sqlite-source-', t), 'source.db');
  const db = new Database(path);
  try {
    build(db);
  } finally {
    db.close();
  }
  const source = await openSqliteSource(path);
  t.after(() => source.close());
  return { path, source };
}

async function tableOf(source: Source, name: string): Promise<TableSchema> {
  const found = (await source.introspector.listTables()).find((t) => t.name === name);
  assert.ok(found, `table ${name} not found`);
  return found;
}

async function readAll(
  source: Source,
  table: TableSchema,
  columns: string[],
  bounds: PartitionBounds,
  batchSize: number,
): Promise<RowBatch[]> {
  const batches: RowBatch[] = [];
  for await (const batch of source.read(table, columns, bounds, batchSize)) batches.push(batch);
  return batches;
}

const WHOLE: PartitionBounds = { kind: 'whole' };

function tenPeople(db: Database.Database): void {
  db.exec(`CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INT)`);
  const insert = db.prepare('INSERT INTO people VALUES (?, ?, ?)');
  for (let id = 1; id <= 10; id++) insert.run(id, `person ${id}`, 20 + id);
}

async function rejection(promise: Promise<unknown>): Promise<InputError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
    return error;
  }
  return assert.fail('expected an InputError, nothing was thrown');
}

describe('openSqliteSource', () => {
  it('refuses a missing file with an InputError naming the path', async (t) => {
    const path = join(await tempDir('jivs-sqlite-source-', t), 'nowhere', 'missing.db');
    const error = await rejection(openSqliteSource(path));
    assert.equal(error.problems[0]?.path, 'source.path');
    assert.ok(error.message.includes(path), error.message);
  });

  it('refuses a file that is not a SQLite database', async (t) => {
    const path = join(await tempDir('jivs-sqlite-source-', t), 'notes.db');
    await writeFile(path, 'This is a plain text file and certainly not a SQLite database.\n'.repeat(20));
    const error = await rejection(openSqliteSource(path));
    assert.match(error.message, /is not a SQLite database/);
    assert.ok(error.message.includes(path), error.message);
  });
});

describe('SqliteSource.read', () => {
  it('reads a whole table in batches of at most batchSize rows', async (t) => {
    const { source } = await sourceFrom(t, tenPeople);
    const table = await tableOf(source, 'people');
    const batches = await readAll(source, table, ['id', 'name', 'age'], WHOLE, 3);
    assert.deepEqual(
      batches.map((b) => b.length),
      [3, 3, 3, 1],
    );
    assert.deepEqual(batches.flat()[0], [1, 'person 1', 21]);
    assert.deepEqual(
      batches.flat().map((r) => r[0]),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
  });

  it('yields nothing for an empty table', async (t) => {
    const { source } = await sourceFrom(t, (db) => db.exec('CREATE TABLE empty (id INTEGER PRIMARY KEY)'));
    const table = await tableOf(source, 'empty');
    assert.deepEqual(await readAll(source, table, ['id'], WHOLE, 3), []);
  });

  it('returns only the requested columns, in the requested order', async (t) => {
    const { source } = await sourceFrom(t, tenPeople);
    const table = await tableOf(source, 'people');
    const rows = (await readAll(source, table, ['age', 'id'], WHOLE, 100)).flat();
    assert.equal(rows.length, 10);
    assert.deepEqual(rows[0], [21, 1]);
    assert.deepEqual(rows[9], [30, 10]);
  });

  it('reads a half-open key range [from, to), with open ends', async (t) => {
    const { source } = await sourceFrom(t, tenPeople);
    const table = await tableOf(source, 'people');
    const ids = async (from: number | null, to: number | null) =>
      (await readAll(source, table, ['id'], { kind: 'key-range', keyColumn: 'id', from, to }, 2))
        .flat()
        .map((r) => r[0]);
    assert.deepEqual(await ids(3, 7), [3, 4, 5, 6]);
    assert.deepEqual(await ids(null, 4), [1, 2, 3]);
    assert.deepEqual(await ids(8, null), [8, 9, 10]);
    assert.deepEqual(await ids(null, null), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(await ids(5, 5), []);
  });

  it('reads a rowid key range of a table with a composite primary key', async (t) => {
    const { source } = await sourceFrom(t, (db) => {
      db.exec('CREATE TABLE pairs (a TEXT, b INT, PRIMARY KEY (a, b))');
      const insert = db.prepare('INSERT INTO pairs VALUES (?, ?)');
      for (let i = 1; i <= 6; i++) insert.run(`k${i}`, i * 10);
    });
    const table = await tableOf(source, 'pairs');
    const rows = (
      await readAll(source, table, ['b', 'a'], { kind: 'key-range', keyColumn: 'rowid', from: 2, to: 5 }, 10)
    ).flat();
    assert.deepEqual(rows, [
      [20, 'k2'],
      [30, 'k3'],
      [40, 'k4'],
    ]);
  });

  it('reads every row exactly once across the partitions planned for a 10,000-row table with gaps', async (t) => {
    const expected = new Set<number>();
    const { path, source } = await sourceFrom(t, (db) => {
      db.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, payload TEXT)');
      const insert = db.prepare('INSERT INTO events VALUES (?, ?)');
      db.transaction(() => {
        for (let i = 0; i < 10_000; i++) {
          // Gaps of varying width: clusters of 100 keys 37 apart, and every 7th key skipped.
          const id = 1000 + i + Math.floor(i / 100) * 37 + Math.floor(i / 7);
          expected.add(id);
          insert.run(id, `event ${id}`);
        }
      })();
    });
    assert.equal(expected.size, 10_000);
    const table = await tableOf(source, 'events');
    const stats = await source.introspector.statistics(table);
    assert.equal(stats.rowCount, 10_000);
    assert.equal(stats.partitionKey?.column, 'id');

    // Rows added after planning, outside the sampled key span, must still be read exactly once.
    const late = new Database(path);
    late.prepare('INSERT INTO events VALUES (?, ?), (?, ?)').run(-5, 'before', 999_999, 'after');
    late.close();
    expected.add(-5).add(999_999);

    const partitions = splitIntoPartitions(stats, 1_000);
    assert.equal(partitions.length, 10);
    const seen = new Map<number, number>();
    for (const partition of partitions) {
      for (const batch of await readAll(source, table, ['id', 'payload'], partition.bounds, 333)) {
        for (const [id, payload] of batch as [number, string][]) {
          assert.equal(payload.startsWith('event') || payload === 'before' || payload === 'after', true);
          seen.set(id, (seen.get(id) ?? 0) + 1);
        }
      }
    }
    assert.equal(seen.size, expected.size);
    for (const id of expected) assert.equal(seen.get(id), 1, `key ${id} read ${seen.get(id) ?? 0} times`);
  });

  it('reads two partitions of the same table interleaved', async (t) => {
    const { source } = await sourceFrom(t, tenPeople);
    const table = await tableOf(source, 'people');
    const low = source.read(table, ['id'], { kind: 'key-range', keyColumn: 'id', from: null, to: 6 }, 2);
    const high = source.read(table, ['id'], { kind: 'key-range', keyColumn: 'id', from: 6, to: null }, 2);
    const lowIt = low[Symbol.asyncIterator]();
    const highIt = high[Symbol.asyncIterator]();
    const ids: unknown[] = [];
    for (;;) {
      const [a, b] = await Promise.all([lowIt.next(), highIt.next()]);
      if (!a.done) ids.push(...a.value.map((r) => r[0]));
      if (!b.done) ids.push(...b.value.map((r) => r[0]));
      if (a.done && b.done) break;
    }
    assert.deepEqual(
      [...ids].sort((x, y) => Number(x) - Number(y)),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
  });

  it('returns a BIGINT beyond 2^53 as an exact bigint, and small integers as numbers', async (t) => {
    const { source } = await sourceFrom(t, (db) => {
      db.exec('CREATE TABLE big (id INTEGER PRIMARY KEY, v BIGINT, n INT, flag BOOLEAN)');
      db.prepare('INSERT INTO big VALUES (?, ?, ?, ?)').run(1, 9007199254740993n, 7, 1);
      db.prepare('INSERT INTO big VALUES (?, ?, ?, ?)').run(2, -9223372036854775808n, -7, 0);
      db.prepare('INSERT INTO big VALUES (?, ?, ?, ?)').run(3, 42, null, null);
    });
    const table = await tableOf(source, 'big');
    const rows = (await readAll(source, table, ['id', 'v', 'n', 'flag'], WHOLE, 10)).flat();
    assert.deepEqual(rows, [
      [1, 9007199254740993n, 7, 1],
      [2, -9223372036854775808n, -7, 0],
      [3, 42, null, null],
    ]);
  });

  it('passes values of every storage class through unchanged', async (t) => {
    const blob = Buffer.from([0x00, 0xff, 0x10, 0x80]);
    const { source } = await sourceFrom(t, (db) => {
      db.exec('CREATE TABLE mixed (id INTEGER PRIMARY KEY, anything)');
      const insert = db.prepare('INSERT INTO mixed VALUES (?, ?)');
      insert.run(1, null);
      insert.run(2, 42);
      insert.run(3, 1.5);
      insert.run(4, 'text with ünïcode');
      insert.run(5, blob);
      insert.run(6, 9007199254740993n);
      insert.run(7, '');
      insert.run(8, -0.25);
    });
    const table = await tableOf(source, 'mixed');
    const values = (await readAll(source, table, ['anything'], WHOLE, 3)).flat().map((r) => r[0]);
    assert.deepEqual(values, [
      null,
      42,
      1.5,
      'text with ünïcode',
      blob,
      // An untyped column holding a large integer must not lose precision either.
      9007199254740993n,
      '',
      -0.25,
    ]);
    assert.ok(Buffer.isBuffer(values[4]));
  });

  it('releases the database when the consumer stops early', async (t) => {
    const { path, source } = await sourceFrom(t, (db) => {
      db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY)');
      const insert = db.prepare('INSERT INTO t VALUES (?)');
      db.transaction(() => {
        for (let i = 1; i <= 100; i++) insert.run(i);
      })();
    });
    const table = await tableOf(source, 't');
    const writer = new Database(path, { timeout: 0 });
    t.after(() => writer.close());
    const write = (id: number) => writer.prepare('INSERT INTO t VALUES (?)').run(id);

    let batches = 0;
    for await (const batch of source.read(table, ['id'], WHOLE, 10)) {
      batches++;
      assert.equal(batch.length, 10);
      // While the read is in progress the file is locked for writers (rollback journal)…
      assert.throws(() => write(1001), { code: 'SQLITE_BUSY' });
      break;
    }
    assert.equal(batches, 1);
    // … and once the consumer has stopped, it is not.
    write(1002);
    assert.equal(writer.prepare('SELECT COUNT(*) FROM t').pluck().get(), 101);
  });
});
