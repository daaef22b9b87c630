import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Row, Source, TableSchema } from '../../../src/connectors/connector.ts';
import type { LogicalType } from '../../../src/core/logical-type.ts';
import { openMysqlSource } from '../../../src/connectors/mysql/index.ts';
import { rowDefect } from '../../../src/connectors/row-defect.ts';
import { splitIntoPartitions } from '../../../src/plan/partitions.ts';
import type { MysqlEndpoint } from '../../../src/spec/spec-schema.ts';
import { createTestDatabase, waitFor, type TestDatabase } from './mysql-test-database.ts';

let db: TestDatabase;

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const HUGE_TEXT = 'Grüße, 世界! 😀 '.repeat(80_000); // 1.1 M characters, 1.6 MB in utf8mb4
const HUGE_DECIMAL = '99999999999999999999999999999999999.999999999999999999999999999999';

const ALL_TYPES_SQL = `
SET SESSION sql_mode = '';
CREATE TABLE all_types (
  id int NOT NULL PRIMARY KEY,
  flag tinyint(1),
  tiny tinyint, tiny_u tinyint unsigned,
  small smallint, small_u smallint unsigned,
  medium mediumint, medium_u mediumint unsigned,
  normal int, normal_u int unsigned,
  big bigint, big_u bigint unsigned,
  money decimal(12,2), huge decimal(65,30),
  real_f float, real_d double,
  bit1 bit(1), bit8 bit(8),
  mood enum('happy','sad','it''s'),
  tags set('a','b','c'),
  code char(4), name varchar(100), latin varchar(40) CHARACTER SET latin1,
  tt tinytext, body mediumtext,
  bin binary(4), vbin varbinary(300), bl blob, lb longblob,
  d date, dt datetime, dt6 datetime(6), ts timestamp NULL DEFAULT NULL,
  t time, t3 time(3), y year,
  doc json,
  shape point, geo geometry,
  doubled int AS (tiny * 2) VIRTUAL
);
INSERT INTO all_types (id) VALUES (1);
INSERT INTO all_types (id, flag, tiny, tiny_u, small, small_u, medium, medium_u, normal, normal_u, big, big_u,
  money, huge, real_f, real_d, bit1, bit8, mood, tags, code, name, latin, tt, body, bin, vbin, bl, lb,
  d, dt, dt6, ts, t, t3, y, doc, shape, geo)
VALUES (2, 0, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0,
  -9999999999.99, -${HUGE_DECIMAL}, -3.14, -1.7976931348623157e308, b'0', b'0', 'happy', '', '', '', '',
  '', '', X'00000000', X'', X'', X'', '1000-01-01', '1000-01-01 00:00:00', '1000-01-01 00:00:00.000000',
  '1970-01-01 00:00:01', '-838:59:59', '00:00:00.000', 1901, '[]', ST_GeomFromText('POINT(1 2)'),
  ST_GeomFromText('LINESTRING(0 0,1 1)'));
INSERT INTO all_types (id, flag, tiny, tiny_u, small, small_u, medium, medium_u, normal, normal_u, big, big_u,
  money, huge, real_f, real_d, bit1, bit8, mood, tags, code, name, latin, d, dt, dt6, ts, t, t3, y, doc)
VALUES (3, 1, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807,
  18446744073709551615, 9999999999.99, ${HUGE_DECIMAL}, 1.5, 1.7976931348623157e308, b'1', b'11111111',
  'it''s', 'c,a', 'abcd', '😀 漢字 Ünïcödé', 'Müller Größe ÄÖÜ äöü ß', '9999-12-31',
  '9999-12-31 23:59:59', '2024-02-29 12:34:56.123456', '2038-01-19 03:14:07', '838:59:59',
  '12:34:56.789', 2155, '{"a": [1, 2.5, "x"], "b": null}');
INSERT INTO all_types (id, money, d, dt, dt6, ts) VALUES
  (4, 12.50, '0000-00-00', '0000-00-00 00:00:00', '2024-00-10 00:00:00', '0000-00-00 00:00:00'),
  (5, -0.50, '2024-01-00', NULL, NULL, NULL);
INSERT INTO all_types (id, flag) VALUES (6, 2);
`;

const EXPECTED_TYPES: Record<string, LogicalType> = {
  id: { kind: 'integer' },
  flag: { kind: 'boolean' },
  tiny: { kind: 'integer', min: -128, max: 127 },
  tiny_u: { kind: 'integer', min: 0, max: 255 },
  small: { kind: 'integer', min: -32768, max: 32767 },
  small_u: { kind: 'integer', min: 0, max: 65535 },
  medium: { kind: 'integer', min: -8388608, max: 8388607 },
  medium_u: { kind: 'integer', min: 0, max: 16777215 },
  normal: { kind: 'integer' },
  normal_u: { kind: 'bigint', min: 0, max: 4294967295 },
  big: { kind: 'bigint' },
  big_u: { kind: 'decimal', precision: 20, scale: 0, min: 0 },
  money: { kind: 'decimal', precision: 12, scale: 2 },
  huge: { kind: 'decimal', precision: 65, scale: 30 },
  real_f: { kind: 'float' },
  real_d: { kind: 'float' },
  bit1: { kind: 'boolean' },
  bit8: { kind: 'bigint' },
  mood: { kind: 'text', enumValues: ['happy', 'sad', "it's"] },
  tags: { kind: 'text', array: true },
  code: { kind: 'text', length: 4 },
  name: { kind: 'text', length: 100 },
  latin: { kind: 'text', length: 40 },
  tt: { kind: 'text' },
  body: { kind: 'text' },
  bin: { kind: 'binary' },
  vbin: { kind: 'binary' },
  bl: { kind: 'binary' },
  lb: { kind: 'binary' },
  d: { kind: 'date' },
  dt: { kind: 'timestamp' },
  dt6: { kind: 'timestamp' },
  ts: { kind: 'timestamp' },
  t: { kind: 'time' },
  t3: { kind: 'time' },
  y: { kind: 'integer' },
  doc: { kind: 'json' },
  shape: { kind: 'text' },
  geo: { kind: 'text' },
  doubled: { kind: 'integer' },
};

const NULL_ROW = Object.fromEntries(Object.keys(EXPECTED_TYPES).map((c) => [c, null]));

const EXPECTED_ROWS: Record<string, unknown>[] = [
  { ...NULL_ROW, id: 1 },
  {
    id: 2,
    flag: false,
    tiny: -128,
    tiny_u: 0,
    small: -32768,
    small_u: 0,
    medium: -8388608,
    medium_u: 0,
    normal: -2147483648,
    normal_u: 0,
    big: -9223372036854775808n,
    big_u: '0',
    money: '-9999999999.99',
    huge: `-${HUGE_DECIMAL}`,
    real_f: -3.14,
    real_d: -1.7976931348623157e308,
    bit1: false,
    bit8: 0,
    mood: 'happy',
    tags: [],
    code: '',
    name: '',
    latin: '',
    tt: '',
    body: '',
    bin: Buffer.alloc(4),
    vbin: Buffer.alloc(0),
    bl: Buffer.alloc(0),
    lb: Buffer.alloc(0),
    d: '1000-01-01',
    dt: '1000-01-01 00:00:00',
    dt6: '1000-01-01 00:00:00.000000',
    ts: '1970-01-01 00:00:01',
    t: '-838:59:59',
    t3: '00:00:00.000',
    y: 1901,
    doc: '[]',
    shape: 'POINT(1 2)',
    geo: 'LINESTRING(0 0,1 1)',
    doubled: -256,
  },
  {
    id: 3,
    flag: true,
    tiny: 127,
    tiny_u: 255,
    small: 32767,
    small_u: 65535,
    medium: 8388607,
    medium_u: 16777215,
    normal: 2147483647,
    normal_u: 4294967295,
    big: 9223372036854775807n,
    big_u: '18446744073709551615',
    money: '9999999999.99',
    huge: HUGE_DECIMAL,
    real_f: 1.5,
    real_d: 1.7976931348623157e308,
    bit1: true,
    bit8: 255,
    mood: "it's",
    tags: ['a', 'c'],
    code: 'abcd',
    name: '😀 漢字 Ünïcödé',
    latin: 'Müller Größe ÄÖÜ äöü ß',
    tt: null,
    body: HUGE_TEXT,
    bin: null,
    vbin: ALL_BYTES,
    bl: null,
    lb: ALL_BYTES,
    d: '9999-12-31',
    dt: '9999-12-31 23:59:59',
    dt6: '2024-02-29 12:34:56.123456',
    ts: '2038-01-19 03:14:07',
    t: '838:59:59',
    t3: '12:34:56.789',
    y: 2155,
    doc: '{"a": [1, 2.5, "x"], "b": null}',
    shape: null,
    geo: null,
    doubled: 254,
  },
  { ...NULL_ROW, id: 4, money: '12.5' },
  { ...NULL_ROW, id: 5, money: '-0.5' },
  { ...NULL_ROW, id: 6, flag: 2 },
];

async function readAll(source: Source, table: TableSchema, batchSize = 100): Promise<Row[]> {
  const rows: Row[] = [];
  const columns = table.columns.map((c) => c.name);
  for await (const batch of source.read(table, columns, { kind: 'whole' }, batchSize)) {
    assert.ok(batch.length <= batchSize);
    rows.push(...batch);
  }
  return rows.sort((a, b) => (a[0] as number) - (b[0] as number));
}

function asObject(table: TableSchema, row: Row): Record<string, unknown> {
  return Object.fromEntries(table.columns.map((c, i) => [c.name, row[i]]));
}

async function withSource<T>(
  extra: Partial<MysqlEndpoint>,
  work: (source: Source, table: (name: string) => Promise<TableSchema>) => Promise<T>,
): Promise<T> {
  const source = await openMysqlSource({ ...db.endpoint, ...extra }, db.description);
  try {
    const tables = await source.introspector.listTables();
    return await work(source, async (name) => {
      const found = tables.find((t) => t.name === name);
      assert.ok(found, `no table ${name}`);
      return found;
    });
  } finally {
    await source.close();
  }
}

before(async () => {
  db = await createTestDatabase();
  await db.exec(ALL_TYPES_SQL);
  await db.query('UPDATE all_types SET body = ?, vbin = ?, lb = ? WHERE id = 3', [
    HUGE_TEXT,
    ALL_BYTES,
    ALL_BYTES,
  ]);
});

after(async () => {
  await db?.drop();
});

describe('MySQL source: type round trip', { timeout: 60_000 }, () => {
  it('introspects every type to its portable type', async () => {
    await withSource({}, async (_source, table) => {
      const allTypes = await table('all_types');
      assert.deepEqual(Object.fromEntries(allTypes.columns.map((c) => [c.name, c.type])), EXPECTED_TYPES);
      const doubled = allTypes.columns.find((c) => c.name === 'doubled');
      assert.equal(doubled?.generated, true);
      assert.equal(allTypes.columns.find((c) => c.name === 'doc')?.nativeType, 'json');
    });
  });

  it('reads every value in its canonical form (zero dates → NULL)', async () => {
    await withSource({}, async (source, table) => {
      const allTypes = await table('all_types');
      const rows = await readAll(source, allTypes);
      assert.equal(rows.length, EXPECTED_ROWS.length);
      rows.forEach((row, i) => {
        const actual = asObject(allTypes, row);
        const expected = EXPECTED_ROWS[i]!;
        for (const name of Object.keys(EXPECTED_TYPES)) {
          assert.deepEqual(actual[name], expected[name], `row ${actual.id}, column ${name}`);
        }
        assert.equal(rowDefect(row), undefined);
      });
    });
  });

  it('marks rows with zero dates as defects with zeroDates: reject', async () => {
    await withSource({ zeroDates: 'reject' }, async (source, table) => {
      const allTypes = await table('all_types');
      const rows = await readAll(source, allTypes);
      const defects = rows.map((row) => rowDefect(row));
      assert.deepEqual(defects, [
        undefined,
        undefined,
        undefined,
        'd: zero date "0000-00-00"; dt: zero date "0000-00-00 00:00:00"; dt6: zero date "2024-00-10 00:00:00.000000"; ts: zero date "0000-00-00 00:00:00"',
        'd: zero date "2024-01-00"',
        undefined,
      ]);
      const zero = asObject(allTypes, rows[3]!);
      assert.deepEqual([zero.d, zero.dt, zero.dt6, zero.ts], [null, null, null, null]);
    });
  });

  it('reads tinyint(1) as an integer when tinyint1AsBoolean is false', async () => {
    await withSource({ tinyint1AsBoolean: false }, async (source, table) => {
      const allTypes = await table('all_types');
      assert.deepEqual(allTypes.columns[1]!.type, { kind: 'integer', min: -128, max: 127 });
      const rows = await readAll(source, allTypes);
      assert.deepEqual(
        rows.map((r) => r[1]),
        [null, 0, 1, null, null, 2],
      );
    });
  });

  it('reads a subset of columns in the order asked for', async () => {
    await withSource({}, async (source, table) => {
      const allTypes = await table('all_types');
      const batches: Row[][] = [];
      for await (const batch of source.read(allTypes, ['shape', 'id', 'tags'], { kind: 'whole' }, 10)) {
        batches.push(batch);
      }
      const rows = batches.flat().sort((a, b) => (a[1] as number) - (b[1] as number));
      assert.deepEqual(rows[1], ['POINT(1 2)', 2, []]);
    });
  });
});

describe('MySQL source: partitions and backpressure', { timeout: 60_000 }, () => {
  const ROWS = 200_000;

  before(async () => {
    await db.exec(`
      CREATE TABLE digits (d int NOT NULL);
      INSERT INTO digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9);
      CREATE TABLE big (id int NOT NULL PRIMARY KEY, pad varchar(500) NOT NULL);
      INSERT INTO big SELECT a.d + 10*b.d + 100*c.d + 1000*e.d + 10000*f.d + 100000*g.d + 1, REPEAT('x', 480)
        FROM digits a, digits b, digits c, digits e, digits f, (SELECT 0 AS d UNION ALL SELECT 1) g;
      CREATE TABLE gaps (id bigint NOT NULL PRIMARY KEY, v varchar(10));
    `);
    const ids = [-50, -3, 0, 1, 2, 3, 10, 11, 99, 100, 101, 500, 501, 502, 999, 1000, 5000];
    await db.query(
      `INSERT INTO gaps VALUES ${ids.map(() => '(?, ?)').join(',')}`,
      ids.flatMap((i) => [i, `v${i}`]),
    );
  });

  it('reads every row exactly once across key-range partitions', async () => {
    await withSource({}, async (source, table) => {
      const gaps = await table('gaps');
      const stats = await source.introspector.statistics(gaps);
      assert.deepEqual(stats, { rowCount: 17, partitionKey: { column: 'id', min: -50, max: 5000 } });
      const partitions = splitIntoPartitions(stats, 4);
      assert.ok(partitions.length > 3);
      const seen: number[] = [];
      for (const partition of partitions) {
        const ids: number[] = [];
        for await (const batch of source.read(gaps, ['id'], partition.bounds, 2))
          ids.push(...batch.map((r) => r[0] as number));
        assert.deepEqual(
          ids,
          [...ids].sort((a, b) => a - b),
          'a key range is read in key order',
        );
        seen.push(...ids);
      }
      assert.deepEqual(seen, [-50, -3, 0, 1, 2, 3, 10, 11, 99, 100, 101, 500, 501, 502, 999, 1000, 5000]);
    });
  });

  it('stops reading when the consumer does not ask, and ends the query when it stops', async () => {
    await withSource({}, async (source, table) => {
      const big = await table('big');
      const stats = await source.introspector.statistics(big);
      // Large tables are estimated by InnoDB while planning, not counted.
      assert.ok(Math.abs(stats.rowCount - ROWS) <= ROWS * 0.25, `estimated ${stats.rowCount} rows`);
      const iterator = source.read(big, ['id', 'pad'], { kind: 'whole' }, 1000)[Symbol.asyncIterator]();
      const before = process.memoryUsage();
      const first = await iterator.next();
      assert.equal(first.done, false);
      assert.equal(first.value!.length, 1000);
      // Without backpressure the whole table (≈ 200 MB as JS strings) would arrive meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const grown = process.memoryUsage();
      const heapGrowthMb = (grown.heapUsed - before.heapUsed) / 2 ** 20;
      const rssGrowthMb = (grown.rss - before.rss) / 2 ** 20;
      assert.ok(heapGrowthMb < 40, `heap grew by ${heapGrowthMb.toFixed(1)} MB while the consumer waited`);
      assert.ok(rssGrowthMb < 80, `RSS grew by ${rssGrowthMb.toFixed(1)} MB while the consumer waited`);
      const running = () =>
        db.query<{ n: number | string }>(
          `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO LIKE 'SELECT \`id\`, \`pad\` FROM \`big\`%'`,
          [db.name],
        );
      assert.equal(Number((await running())[0]!.n), 1, 'the query is still open while paused');
      await iterator.return!();
      await waitFor(async () => Number((await running())[0]!.n) === 0, 'the query to end');
    });
  });

  it('fails the read when the server ends the query', async () => {
    await withSource({}, async (source, table) => {
      const big = await table('big');
      const iterator = source.read(big, ['id', 'pad'], { kind: 'whole' }, 1000)[Symbol.asyncIterator]();
      await iterator.next();
      const [reader] = await db.query<{ id: number | string }>(
        `SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO LIKE 'SELECT \`id\`, \`pad\` FROM \`big\`%'`,
        [db.name],
      );
      assert.ok(reader);
      await db.exec(`KILL CONNECTION ${Number(reader.id)}`);
      await assert.rejects(async () => {
        for (let r = await iterator.next(); !r.done; r = await iterator.next());
      });
    });
  });

  it('reads a large table in full, in batches of the asked size', async () => {
    await withSource({}, async (source, table) => {
      const big = await table('big');
      let rows = 0;
      let batches = 0;
      let last = 0;
      for await (const batch of source.read(
        big,
        ['id'],
        { kind: 'key-range', keyColumn: 'id', from: 1, to: null },
        5000,
      )) {
        batches++;
        rows += batch.length;
        last = batch[batch.length - 1]![0] as number;
      }
      assert.equal(rows, ROWS);
      assert.equal(batches, ROWS / 5000);
      assert.equal(last, ROWS);
    });
  });
});
