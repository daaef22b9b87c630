/**
 * The type round-trip matrix: every portable type, with edge values, written through the sink (COPY),
 * then read back with SQL (`v::text`) and through the source (canonical values), exactly.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { RowBatch, Sink, Source, TableSchema } from '../../../src/connectors/connector.ts';
import type { LogicalType } from '../../../src/core/logical-type.ts';
import { openPostgresSink, openPostgresSource } from '../../../src/connectors/postgres/index.ts';
import { coercerFor } from '../../../src/core/coerce.ts';
import { createTestSchema, postgresEndpoint, type TestSchema } from './postgres-test-schema.ts';

interface Value {
  /** The canonical value written. */
  value: unknown;
  /** What `v::text` prints, null for NULL. */
  text: string | null;
  /** The canonical value read back through the source, when it differs from `value`. */
  back?: unknown;
  /** The raw value the source yields before the engine's cast, when it differs from `back`. */
  raw?: unknown;
}

interface Case {
  name: string;
  type: LogicalType;
  /** Compare JSON by meaning: jsonb normalizes spacing and key order. */
  json?: boolean;
  values: Value[];
}

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const RANDOM_BYTES = randomBytes(300_000);
const UNICODE = 'emoji 😀👍🏽👨‍👩‍👧 CJK 漢字かなカナ 한글 combining e\u0301 a\u0308 RTL עברית zero-width \u200b';
const TRICKY = 'C:\\path\\to\\file \\N \\. tab\there\nnew line\r\ncrlf "double" \'single\' ,{}';
const HUGE = `${UNICODE}${TRICKY}`.repeat(Math.ceil(1_048_576 / (UNICODE.length + TRICKY.length)));

const same = (value: unknown, text: string): Value => ({ value, text });
const NULL: Value = { value: null, text: null };

const CASES: Case[] = [
  { name: 'boolean', type: { kind: 'boolean' }, values: [same(true, 'true'), same(false, 'false'), NULL] },
  {
    name: 'integer',
    type: { kind: 'integer' },
    values: [same(0, '0'), same(2147483647, '2147483647'), same(-2147483648, '-2147483648'), NULL],
  },
  {
    name: 'bigint',
    type: { kind: 'bigint' },
    values: [
      same(-1, '-1'),
      same(9007199254740991, '9007199254740991'),
      same(-9007199254740991, '-9007199254740991'),
      same(9007199254740993n, '9007199254740993'),
      same(9223372036854775807n, '9223372036854775807'),
      same(-9223372036854775808n, '-9223372036854775808'),
      NULL,
    ],
  },
  {
    name: 'decimal_38_10',
    type: { kind: 'decimal', precision: 38, scale: 10 },
    values: [
      { value: '0', text: '0.0000000000', raw: '0.0000000000' },
      { value: '1.5', text: '1.5000000000', raw: '1.5000000000' },
      same('1234567890123456789012345678.0123456789', '1234567890123456789012345678.0123456789'),
      same('-9999999999999999999999999999.9999999999', '-9999999999999999999999999999.9999999999'),
      same('-0.0000000001', '-0.0000000001'),
      NULL,
    ],
  },
  {
    name: 'decimal_unbounded',
    type: { kind: 'decimal' },
    values: [
      same(
        '123456789012345678901234567890.12345678901234567890123456789',
        '123456789012345678901234567890.12345678901234567890123456789',
      ),
      same('-0.5', '-0.5'),
      same('100', '100'),
      NULL,
    ],
  },
  {
    name: 'float',
    type: { kind: 'float' },
    values: [
      same(0, '0'),
      same(-0, '-0'),
      same(1.5, '1.5'),
      same(0.1, '0.1'),
      same(1e-300, '1e-300'),
      same(5e-324, '5e-324'),
      same(Number.MAX_VALUE, '1.7976931348623157e+308'),
      same(123456789.123, '123456789.123'),
      same(NaN, 'NaN'),
      same(Infinity, 'Infinity'),
      same(-Infinity, '-Infinity'),
      NULL,
    ],
  },
  {
    name: 'text',
    type: { kind: 'text' },
    values: [
      same('', ''),
      NULL,
      same('plain', 'plain'),
      same(UNICODE, UNICODE),
      same(TRICKY, TRICKY),
      same('NULL', 'NULL'),
      same('\\N', '\\N'),
      same(HUGE, HUGE),
    ],
  },
  {
    name: 'varchar_10',
    type: { kind: 'text', length: 10 },
    values: [same('0123456789', '0123456789'), same('😀'.repeat(10), '😀'.repeat(10)), same('', ''), NULL],
  },
  {
    name: 'date',
    type: { kind: 'date' },
    values: [
      same('0001-01-01', '0001-01-01'),
      same('9999-12-31', '9999-12-31'),
      same('2024-02-29', '2024-02-29'),
      same('1970-01-01', '1970-01-01'),
      NULL,
    ],
  },
  {
    name: 'time',
    type: { kind: 'time' },
    values: [
      same('00:00:00', '00:00:00'),
      same('23:59:59.999999', '23:59:59.999999'),
      same('12:34:56.5', '12:34:56.5'),
      NULL,
    ],
  },
  {
    name: 'timestamp',
    type: { kind: 'timestamp' },
    values: [
      same('0001-01-01 00:00:00', '0001-01-01 00:00:00'),
      same('9999-12-31 23:59:59.999999', '9999-12-31 23:59:59.999999'),
      same('2024-02-29 12:00:00.123', '2024-02-29 12:00:00.123'),
      same('1970-01-01 00:00:00', '1970-01-01 00:00:00'),
      NULL,
    ],
  },
  {
    name: 'timestamptz',
    type: { kind: 'timestamptz' },
    values: [
      same('2024-01-01 00:00:00+00:00', '2024-01-01 00:00:00+00'),
      {
        value: '2024-06-30 23:59:59.999999+02:00',
        text: '2024-06-30 21:59:59.999999+00',
        back: '2024-06-30 21:59:59.999999+00:00',
      },
      {
        value: '1900-01-01 00:00:00-05:30',
        text: '1900-01-01 05:30:00+00',
        back: '1900-01-01 05:30:00+00:00',
      },
      same('0001-01-01 00:00:00+00:00', '0001-01-01 00:00:00+00'),
      same('9999-12-31 23:59:59+00:00', '9999-12-31 23:59:59+00'),
      NULL,
    ],
  },
  {
    name: 'binary',
    type: { kind: 'binary' },
    values: [
      same(ALL_BYTES, `\\x${ALL_BYTES.toString('hex')}`),
      same(Buffer.alloc(0), '\\x'),
      same(RANDOM_BYTES, `\\x${RANDOM_BYTES.toString('hex')}`),
      NULL,
    ],
  },
  {
    name: 'json',
    type: { kind: 'json' },
    json: true,
    values: [
      same('{"a":1}', '{"a": 1}'),
      same('{"nested":{"ü":"😀","arr":[1,"漢",null,true,{"k":"e\\u0301"}]}}', ''),
      same('"line\\nbreak \\\\ tab\\t \\u00e9"', ''),
      same('[]', '[]'),
      same('null', 'null'),
      same('123.5', '123.5'),
      NULL,
    ],
  },
  {
    name: 'uuid',
    type: { kind: 'uuid' },
    values: [
      same('00000000-0000-0000-0000-000000000000', '00000000-0000-0000-0000-000000000000'),
      same('ffffffff-ffff-ffff-ffff-ffffffffffff', 'ffffffff-ffff-ffff-ffff-ffffffffffff'),
      same('123e4567-e89b-12d3-a456-426614174000', '123e4567-e89b-12d3-a456-426614174000'),
      NULL,
    ],
  },
  {
    name: 'text_array',
    type: { kind: 'text', array: true },
    values: [
      same(
        ['a', 'b"c', null, '', 'NULL', 'back\\slash', 'tab\there', '{}', 'a,b', '😀 漢'],
        '{a,"b\\"c",NULL,"","NULL","back\\\\slash","tab\there","{}","a,b","😀 漢"}',
      ),
      same([], '{}'),
      same([null], '{NULL}'),
      same(['line\nbreak\r'], '{"line\nbreak\r"}'),
      NULL,
    ],
  },
  {
    name: 'integer_array',
    type: { kind: 'integer', array: true },
    values: [same([1, null, -2147483648], '{1,NULL,-2147483648}'), NULL],
  },
  {
    name: 'bigint_array',
    type: { kind: 'bigint', array: true },
    values: [same([9223372036854775807n, 1], '{9223372036854775807,1}')],
  },
  {
    name: 'boolean_array',
    type: { kind: 'boolean', array: true },
    values: [same([true, false, null], '{t,f,NULL}')],
  },
  {
    name: 'float_array',
    type: { kind: 'float', array: true },
    values: [same([NaN, Infinity, -0, 1.5], '{NaN,Infinity,-0,1.5}')],
  },
  {
    name: 'decimal_array',
    type: { kind: 'decimal', precision: 12, scale: 2, array: true },
    values: [{ value: ['1.5', '-0.01'], text: '{1.50,-0.01}', raw: ['1.50', '-0.01'] }],
  },
  {
    name: 'date_array',
    type: { kind: 'date', array: true },
    values: [same(['2024-02-29', null], '{2024-02-29,NULL}')],
  },
  {
    name: 'timestamp_array',
    type: { kind: 'timestamp', array: true },
    values: [same(['2024-01-01 10:00:00.5'], '{"2024-01-01 10:00:00.5"}')],
  },
  {
    name: 'timestamptz_array',
    type: { kind: 'timestamptz', array: true },
    values: [
      {
        value: ['2024-01-01 10:00:00+01:00'],
        text: '{"2024-01-01 09:00:00+00"}',
        back: ['2024-01-01 09:00:00+00:00'],
      },
    ],
  },
  {
    name: 'binary_array',
    type: { kind: 'binary', array: true },
    values: [
      same(
        [Buffer.from([0, 255]), null, ALL_BYTES],
        `{"\\\\x00ff",NULL,"\\\\x${ALL_BYTES.toString('hex')}"}`,
      ),
    ],
  },
  {
    name: 'json_array',
    type: { kind: 'json', array: true },
    json: true,
    values: [same(['{"a":1}', '[]', '"x\\"y"'], '')],
  },
  {
    name: 'uuid_array',
    type: { kind: 'uuid', array: true },
    values: [same(['123e4567-e89b-12d3-a456-426614174000'], '{123e4567-e89b-12d3-a456-426614174000}')],
  },
  {
    name: 'time_array',
    type: { kind: 'time', array: true },
    values: [same(['12:00:00', null], '{12:00:00,NULL}')],
  },
];

function tableFor(testCase: Case): TableSchema {
  return {
    name: `rt_${testCase.name}`,
    columns: [
      { name: 'id', nativeType: '', type: { kind: 'integer' }, nullable: false, defaultValue: null },
      { name: 'v', nativeType: '', type: testCase.type, nullable: true, defaultValue: null },
    ],
    primaryKey: ['id'],
    indexes: [],
    foreignKeys: [],
  };
}

/** JSON values compared by meaning, element by element for arrays of JSON. */
function parsedJson(value: unknown): unknown {
  if (value === null) return null;
  if (Array.isArray(value)) return value.map(parsedJson);
  return JSON.parse(value as string);
}

describe('type round trip: sink → SQL and sink → source', () => {
  let schema: TestSchema;
  let sink: Sink;
  let source: Source;
  let sourceTables: TableSchema[];
  before(async () => {
    schema = await createTestSchema('jivs_roundtrip');
    sink = await openPostgresSink(postgresEndpoint(schema.name), 'target');
    for (const testCase of CASES) {
      const table = tableFor(testCase);
      await sink.prepareTable(table, 'create');
      const writer = await sink.openWriter(table);
      await writer.write(testCase.values.map((v, i) => [i, v.value]));
      await writer.close();
      await sink.finalizeTable(table);
    }
    source = await openPostgresSource(postgresEndpoint(schema.name), 'source');
    sourceTables = await source.introspector.listTables();
  });
  after(async () => {
    await source?.close();
    await sink?.close();
    await schema.drop();
  });

  for (const testCase of CASES) {
    it(`${testCase.name}: SQL reads back exactly what was written`, async () => {
      const rows = await schema.sql<{ id: number; text: string | null }>(
        `SELECT id, v::text AS text FROM rt_${testCase.name} ORDER BY id`,
      );
      assert.equal(rows.length, testCase.values.length);
      testCase.values.forEach((expected, i) => {
        const text = rows[i]!.text;
        if (testCase.json && text !== null && expected.text === '') {
          // jsonb prints its own normal form: compare the meaning.
          const value = testCase.type.array ? parsedJson(pgJsonArray(text)) : JSON.parse(text);
          assert.deepStrictEqual(value, parsedJson(expected.value));
        } else {
          assert.strictEqual(text, expected.text, `${testCase.name} row ${i}`);
        }
      });
    });

    it(`${testCase.name}: the source introspects the type and reads canonical values`, async () => {
      const table = sourceTables.find((t) => t.name === `rt_${testCase.name}`);
      assert.ok(table);
      assert.deepStrictEqual(table.columns[1]!.type, testCase.type);
      const rows: RowBatch = [];
      for await (const batch of source.read(table, ['id', 'v'], { kind: 'whole' }, 3)) {
        assert.ok(batch.length <= 3);
        rows.push(...batch);
      }
      rows.sort((a, b) => (a[0] as number) - (b[0] as number));
      const cast = coercerFor(testCase.type);
      testCase.values.forEach((expected, i) => {
        const raw = rows[i]![1];
        const wanted = expected.back ?? expected.value;
        if (testCase.json) {
          assert.deepStrictEqual(parsedJson(raw), parsedJson(wanted), `${testCase.name} row ${i}`);
          return;
        }
        assert.deepStrictEqual(raw, expected.raw ?? wanted, `${testCase.name} row ${i} (raw)`);
        assert.deepStrictEqual(raw === null ? null : cast(raw), wanted, `${testCase.name} row ${i} (cast)`);
      });
    });
  }
});

/** The elements of a jsonb[] text literal such as `{"{\"a\": 1}","[]"}`. */
function pgJsonArray(text: string): string[] {
  const elements: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|([^,{}]+)/g;
  for (const match of text.slice(1, -1).matchAll(pattern)) {
    elements.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2]!);
  }
  return elements;
}
