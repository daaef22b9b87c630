/**
 * Digests computed by PostgreSQL (Source.digestRanges) equal those computed in JS over the same rows
 * read back (verify/row-hasher.ts), column by column for every supported type, so that a wrong SQL
 * spelling of any type fails here by name: NULLs, '', non-BMP text, -0, decimals with trailing zeros,
 * instants written at other offsets, single-precision floats, NaN and infinities. Also per key range
 * (with and without an index on the key, rows with a NULL key counted apart), for a column hashed by
 * another type than it is stored as, and the types that have no exact SQL spelling.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type {
  ColumnSchema,
  KeySpan,
  RangeDigests,
  Source,
  TableSchema,
} from '../../../src/connectors/connector.ts';
import { openPostgresSource } from '../../../src/connectors/postgres/postgres-source.ts';
import { ContentDigest, createBatchDigester } from '../../../src/verify/content-digest.ts';
import { createTestSchema, postgresEndpoint, type TestSchema } from './postgres-test-schema.ts';

const DDL = `CREATE TYPE mood AS ENUM ('happy', 'sad');
  CREATE TABLE every_type (id integer, big bigint, small smallint, amount numeric(14,4), free numeric,
    ratio double precision, approx real, flag boolean, name varchar(60), body text, code char(6), mood mood,
    span interval, born date, at_time time(6), happened timestamp(6), stamped timestamptz, bytes bytea,
    token uuid, payload jsonb, tags text[])`;

const DATA = `INSERT INTO every_type VALUES
  (1, 1152921504606846976, -32768, 12.5000, 10.100, '-0', '-0', true, 'Müller 🍀 大野', E'two\\nlines', 'ab',
   'happy', '1 day 02:00:00', '2024-02-29', '10:20:30.500000', '2024-02-29 23:59:59.123450',
   '2024-01-01 12:00:00+02', '\\x00ff10', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '{"b": 1, "a": 2}', '{a,b}'),
  (2, -5, 0, 0.0000, -0.5, 0.1, 0.1, false, '', '', '', 'sad', '-3 mons', '1999-12-31', '00:00:00',
   '2000-01-01 00:00:00', '2023-06-30 22:30:00.25-02:30', '\\x', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12', '[]', '{}'),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, NULL, NULL),
  (4, 9007199254740993, 7, 99999999.9999, 1e-20, 'NaN', 'Infinity', true, 'NULL', '-', 'x y', 'happy', '0',
   '0001-01-01', '23:59:59.999999', '9999-12-31 23:59:59.999999', '1970-01-01 00:00:00+00', '\\x61',
   'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a13', 'null', '{NULL}'),
  (5, 0, 1, -1.2300, 100, '-Infinity', 3.4e38, false, '🍀🍀', '5:x', 'a', NULL, '1 year', '2024-01-01',
   '12:00:00.000001', '2024-01-01 00:00:00.5', '2024-03-01 00:30:00.25+01', '\\xdeadbeef',
   'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a14', '{}', NULL),
  (6, 6, 6, 1, 1.5e-3, 1.7976931348623157e308, -1.17549435e-38, true, 'tab\tinside', 'ü', 'c', 'sad',
   '00:00:01.5', '2000-02-29', '01:02:03', '1900-01-01 00:00:00', '1969-12-31 23:59:59.999999-12', '\\x00',
   '00000000-0000-0000-0000-000000000000', '1', '{x}'),
  (NULL, 7, 7, 7, 7, 7, 7, true, 'no key', 'no key', 'k', 'sad', '7 days', '2007-07-07', '07:07:07',
   '2007-07-07 07:07:07', '2007-07-07 07:07:07+07', '\\x07', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a07', '7', '{7}')`;

const UNSUPPORTED = ['payload', 'tags'];
const SPANS: KeySpan[] = [
  { from: null, to: 2 },
  { from: 2, to: 5 },
  { from: 5, to: null },
];

let db: TestSchema;
let source: Source;
let table: TableSchema;
let keyed: TableSchema;
/** Without row 6, whose double 1.79e308 has no single-precision value (PostgreSQL refuses the cast). */
let singleRange: TableSchema;

before(async () => {
  db = await createTestSchema('jivs_digest');
  await db.sql(DDL);
  await db.sql(DATA);
  await db.sql(`CREATE TABLE keyed AS SELECT * FROM every_type WHERE id IS NOT NULL;
    ALTER TABLE keyed ADD PRIMARY KEY (id);
    CREATE TABLE single_range AS SELECT * FROM every_type WHERE id < 6`);
  source = await openPostgresSource(postgresEndpoint(db.name), 'test');
  const tables = await source.introspector.listTables();
  table = tables.find((t) => t.name === 'every_type')!;
  keyed = tables.find((t) => t.name === 'keyed')!;
  singleRange = tables.find((t) => t.name === 'single_range')!;
});

after(async () => {
  await source?.close();
  await db?.drop();
});

/** The digests of `spans` computed in JS over the rows read back, as the comparison reads them. */
async function digestsInJs(
  of: TableSchema,
  hashed: readonly ColumnSchema[],
  spans: readonly KeySpan[],
): Promise<{ ranges: string[]; outside: number }> {
  const digests = spans.map(() => new ContentDigest());
  const digest = createBatchDigester(hashed);
  let outside = 0;
  const columns = ['id', ...of.columns.map((c) => c.name)];
  for await (const batch of source.read(of, columns, { kind: 'whole' }, 100)) {
    for (const [id, ...values] of batch) {
      const at =
        id === null
          ? -1
          : spans.findIndex((s) => (s.from ?? -Infinity) <= Number(id) && Number(id) < (s.to ?? Infinity));
      if (at < 0) outside++;
      else digest([values], digests[at]!);
    }
  }
  return { ranges: digests.map((d) => JSON.stringify(d.state())), outside };
}

async function digestsInDatabase(
  of: TableSchema,
  hashed: readonly ColumnSchema[],
  spans: readonly KeySpan[],
): Promise<{ ranges: string[]; outside: number }> {
  const result = await source.digestRanges!(of, hashed, 'id', spans);
  if ('unsupported' in result) assert.fail(result.unsupported);
  const { ranges, outside } = result as RangeDigests;
  return {
    ranges: ranges.map(({ rows, sum }) =>
      JSON.stringify(new ContentDigest({ rows, sum: sum.toString(16).padStart(16, '0') }).state()),
    ),
    outside,
  };
}

function only(of: TableSchema, names: string[]): TableSchema {
  return { ...of, columns: of.columns.filter((c) => names.includes(c.name)) };
}

describe('PostgreSQL digests of key ranges', () => {
  it('equal the JS digests of the rows read back, column by column', async () => {
    const supported = table.columns.filter((c) => !UNSUPPORTED.includes(c.name));
    assert.equal(supported.length, 19);
    for (const column of supported) {
      const one = only(table, [column.name]);
      assert.deepEqual(
        await digestsInDatabase(one, one.columns, SPANS),
        await digestsInJs(one, one.columns, SPANS),
        `${column.name} (${column.nativeType})`,
      );
    }
  });

  it('equal them for whole rows, per range, with or without an index on the key', async () => {
    for (const of of [table, keyed]) {
      const rows = only(
        of,
        of.columns.map((c) => c.name).filter((n) => !UNSUPPORTED.includes(n)),
      );
      for (const spans of [
        SPANS,
        [{ from: null, to: null }],
        [
          { from: 2, to: 4 },
          { from: 4, to: 6 },
        ],
      ]) {
        const inDatabase = await digestsInDatabase(rows, rows.columns, spans);
        assert.deepEqual(
          inDatabase,
          await digestsInJs(rows, rows.columns, spans),
          `${of.name} ${JSON.stringify(spans)}`,
        );
      }
    }
    const { outside } = await digestsInDatabase(only(table, ['name']), only(table, ['name']).columns, SPANS);
    assert.equal(outside, 1, 'the row with a NULL key');
  });

  it('equal them for columns hashed by another type than stored (an instant as a timestamp, a double as single)', async () => {
    const asTimestamp: ColumnSchema = {
      ...only(table, ['stamped']).columns[0]!,
      type: { kind: 'timestamp' },
    };
    const asSingle: ColumnSchema = { ...only(table, ['ratio']).columns[0]!, nativeType: 'real' };
    for (const [of, columns] of [
      [only(singleRange, ['stamped']), [asTimestamp]],
      [only(singleRange, ['ratio']), [asSingle]],
    ] as const) {
      assert.deepEqual(
        await digestsInDatabase(of, columns, [{ from: null, to: 6 }]),
        await digestsInJs(of, columns, [{ from: null, to: 6 }]),
        columns[0]!.name,
      );
    }
  });

  it('differ when one value differs', async () => {
    const rows = only(keyed, ['amount', 'name', 'stamped']);
    const before = await digestsInDatabase(rows, rows.columns, SPANS);
    await db.sql(`UPDATE keyed SET stamped = stamped + interval '1 microsecond' WHERE id = 4`);
    const changed = await digestsInDatabase(rows, rows.columns, SPANS);
    assert.deepEqual([before.ranges[0], before.ranges[2]], [changed.ranges[0], changed.ranges[2]]);
    assert.notEqual(changed.ranges[1], before.ranges[1]);
    assert.deepEqual(changed, await digestsInJs(rows, rows.columns, SPANS));
  });

  it('are unsupported for json and arrays, naming the columns', async () => {
    const result = await source.digestRanges!(table, table.columns, 'id', SPANS);
    assert.deepEqual(result, {
      unsupported: 'no exact SQL form for column(s) payload (jsonb), tags (text[])',
    });
  });
});
