import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { from as copyFrom } from 'pg-copy-streams';
import {
  arrayLiteral,
  CopyBuffers,
  encodeCopyChunks,
  encodeCopyField,
  encodeCopyRow,
  escapeCopyText,
} from '../../../src/connectors/postgres/postgres-copy-encoder.ts';
import { createTestSchema, type TestSchema } from './postgres-test-schema.ts';

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

describe('encodeCopyField', () => {
  it('writes NULL as \\N and keeps the empty string empty', () => {
    assert.equal(encodeCopyField(null), '\\N');
    assert.equal(encodeCopyField(undefined), '\\N');
    assert.equal(encodeCopyField(''), '');
  });

  it('escapes backslash, tab, newline and carriage return in text', () => {
    assert.equal(encodeCopyField('a\\b'), 'a\\\\b');
    assert.equal(encodeCopyField('a\tb'), 'a\\tb');
    assert.equal(encodeCopyField('a\nb'), 'a\\nb');
    assert.equal(encodeCopyField('a\rb'), 'a\\rb');
    assert.equal(encodeCopyField('\\N'), '\\\\N');
    assert.equal(encodeCopyField('\\.'), '\\\\.');
    assert.equal(encodeCopyField('\r\n\t\\'), '\\r\\n\\t\\\\');
  });

  it('leaves other text untouched: quotes, commas, unicode, other control characters', () => {
    for (const text of [
      'plain',
      'a "quoted", text',
      "it's",
      '😀 漢字 é (e\u0301)',
      '\u0001\u000b\f',
      'NULL',
    ]) {
      assert.equal(encodeCopyField(text), text);
    }
  });

  it('writes booleans as t/f and numbers exactly', () => {
    assert.equal(encodeCopyField(true), 't');
    assert.equal(encodeCopyField(false), 'f');
    assert.equal(encodeCopyField(0), '0');
    assert.equal(encodeCopyField(-0), '-0');
    assert.equal(encodeCopyField(-2147483648), '-2147483648');
    assert.equal(encodeCopyField(1.5e-7), '1.5e-7');
    assert.equal(encodeCopyField(Number.MAX_VALUE), '1.7976931348623157e+308');
    assert.equal(encodeCopyField(NaN), 'NaN');
    assert.equal(encodeCopyField(Infinity), 'Infinity');
    assert.equal(encodeCopyField(-Infinity), '-Infinity');
    assert.equal(encodeCopyField(9223372036854775807n), '9223372036854775807');
    assert.equal(encodeCopyField(-9223372036854775808n), '-9223372036854775808');
  });

  it('writes bytes as \\x hex with the backslash doubled for COPY', () => {
    assert.equal(encodeCopyField(Buffer.from([0x0a, 0xff, 0x00])), '\\\\x0aff00');
    assert.equal(encodeCopyField(Buffer.alloc(0)), '\\\\x');
  });

  it('writes arrays as array literals, COPY-escaped', () => {
    // The literal is {"a","b\"c",NULL}; COPY then doubles its backslash.
    assert.equal(arrayLiteral(['a', 'b"c', null]), '{"a","b\\"c",NULL}');
    assert.equal(encodeCopyField(['a', 'b"c', null]), '{"a","b\\\\"c",NULL}');
    assert.equal(encodeCopyField(['back\\slash']), '{"back\\\\\\\\slash"}');
    assert.equal(encodeCopyField(['tab\there']), '{"tab\\there"}');
    assert.equal(encodeCopyField([]), '{}');
    assert.equal(encodeCopyField([1, -2, 3.5]), '{1,-2,3.5}');
    assert.equal(encodeCopyField([true, false, null]), '{t,f,NULL}');
    assert.equal(encodeCopyField([Buffer.from([1])]), '{"\\\\\\\\x01"}');
    assert.equal(encodeCopyField([['a'], ['b']]), '{{"a"},{"b"}}');
  });

  it('keeps JSON text as it is (escaping only what COPY needs)', () => {
    assert.equal(encodeCopyField('{"a":"\\u00e9\\n"}'), '{"a":"\\\\u00e9\\\\n"}');
  });
});

describe('arrayLiteral', () => {
  it('quotes every text element so empty strings, NULL words and separators survive', () => {
    assert.equal(arrayLiteral(['', 'NULL', 'a,b', '{x}', ' s ']), '{"","NULL","a,b","{x}"," s "}');
    assert.equal(arrayLiteral([null]), '{NULL}');
  });
});

describe('escapeCopyText', () => {
  it('returns the same string when nothing needs escaping', () => {
    const text = 'x'.repeat(1000);
    assert.equal(escapeCopyText(text), text);
  });
});

describe('encodeCopyChunks', () => {
  it('ends every row with a newline, separates fields with tabs, and fills missing fields with NULL', () => {
    assert.equal(encodeCopyRow([1, 'a', null], 3), '1\ta\t\\N\n');
    assert.equal(encodeCopyRow([1], 3), '1\t\\N\t\\N\n');
  });

  it('fills chunks of the buffer size, a row split where a chunk ends', () => {
    const batch = Array.from({ length: 1000 }, (_, i) => [i, 'x'.repeat(100)]);
    const chunks = [...encodeCopyChunks(batch, 2, new CopyBuffers(16 * 1024))];
    assert.ok(chunks.length > 3 && chunks.length < 12, `${chunks.length} chunks`);
    for (const chunk of chunks.slice(0, -1)) assert.ok(chunk.length > 16 * 1024 - 400, `${chunk.length}`);
    const lines = Buffer.concat(chunks).toString('utf8').split('\n');
    assert.equal(lines.length, 1001);
    assert.equal(lines[999], `999\t${'x'.repeat(100)}`);
  });

  /** What the per-value string encoder gives for the same rows: the reference for the Buffer path. */
  const expected = (rows: unknown[][], width: number) =>
    Buffer.from(rows.map((row) => encodeCopyRow(row, width)).join(''), 'utf8');
  const encoded = (rows: unknown[][], width: number, size: number) =>
    Buffer.concat([...encodeCopyChunks(rows, width, new CopyBuffers(size))]);

  it('writes the same bytes as the string encoder, whatever the buffer size', () => {
    const values: unknown[] = [
      null,
      undefined,
      '',
      'plain',
      'Jürgen Müller · Łukasz',
      '😀漢 e\u0301',
      'a\\b\tc\nd\re',
      '\\N',
      '\u0001\u001f\u007f\u0080\u07ff\u0800\uffff',
      'lone \ud800 and \udc00 surrogates\ud83d',
      0,
      -0,
      7,
      -2147483648,
      2147483647,
      2147483648,
      -2147483649,
      1.5e-7,
      NaN,
      Infinity,
      -Infinity,
      Number.MAX_VALUE,
      0.1,
      true,
      false,
      9223372036854775807n,
      -(10n ** 70n),
      Buffer.from([0x0a, 0xff, 0x00]),
      Buffer.alloc(0),
      ['a', 'b"c', null, ['\\', '\t']],
      { k: 'v\n' },
    ];
    const rows = Array.from({ length: 300 }, (_, r) =>
      Array.from({ length: 5 }, (_, c) => values[(r * 7 + c * 3) % values.length]),
    );
    const want = expected(rows, 6);
    for (const size of [64, 65, 100, 257, 1024, 64 * 1024]) {
      assert.deepEqual(encoded(rows, 6, size), want, `buffer of ${size} bytes`);
    }
  });

  it('splits escapes and multibyte characters straddling a chunk end only between bytes of the stream', () => {
    // Every offset of the special characters relative to the 64-byte chunk end is tried.
    for (let pad = 0; pad < 70; pad++) {
      const rows = [['x'.repeat(pad) + '\\\t\n\rü漢😀'], ['é'.repeat(pad)]];
      assert.deepEqual(encoded(rows, 1, 64), expected(rows, 1), `pad ${pad}`);
    }
  });

  it('encodes rows and values larger than the buffer', () => {
    const long = 'ab\tç漢😀\\'.repeat(5000);
    const rows = [
      [1, long, Buffer.alloc(3000, 0xab)],
      [2, 'x'.repeat(10_000), 10n ** 200n],
      [3, null, Buffer.alloc(0)],
    ];
    for (const size of [64, 1000, 4096]) {
      const chunks = [...encodeCopyChunks(rows, 3, new CopyBuffers(size))];
      for (const chunk of chunks) assert.ok(chunk.length <= size);
      assert.deepEqual(Buffer.concat(chunks), expected(rows, 3), `buffer of ${size} bytes`);
    }
  });

  it('reuses the Buffers of a finished COPY and forgets those of a failed one', () => {
    const pool = new CopyBuffers(64);
    const rows = Array.from({ length: 20 }, (_, i) => [i, 'row text']);
    const first = pool.acquire();
    assert.equal(first, pool);
    const firstChunks = [...encodeCopyChunks(rows, 2, first)];
    // A second COPY while the first one still holds the Buffers gets its own.
    const other = pool.acquire();
    assert.notEqual(other, pool);
    const otherChunks = [...encodeCopyChunks(rows, 2, other)];
    assert.ok(otherChunks.every((c) => firstChunks.every((f) => c.buffer !== f.buffer)));
    first.recycle();
    const again = [...encodeCopyChunks(rows, 2, pool.acquire())];
    assert.ok(again.some((c) => firstChunks.some((f) => c.buffer === f.buffer)));
    pool.discard();
    const fresh = [...encodeCopyChunks(rows, 2, pool.acquire())];
    assert.ok(fresh.every((c) => again.every((f) => c.buffer !== f.buffer)));
    assert.deepEqual(Buffer.concat(fresh), expected(rows, 2));
  });

  it('encodes multibyte text as UTF-8', () => {
    const [chunk] = [...encodeCopyChunks([['😀漢']], 1)];
    assert.deepEqual(chunk, Buffer.from('😀漢\n', 'utf8'));
  });
});

describe('COPY round trip through a real table', () => {
  let schema: TestSchema;
  before(async () => {
    schema = await createTestSchema('jivs_copyenc');
  });
  after(async () => schema.drop());

  async function copyRows(table: string, columns: string, rows: unknown[][]): Promise<void> {
    const client = await schema.admin.connect();
    try {
      const width = columns.split(',').length;
      await pipeline(
        Readable.from(encodeCopyChunks(rows, width, new CopyBuffers(1024))),
        client.query(copyFrom(`COPY ${table} (${columns}) FROM STDIN`)),
      );
    } finally {
      client.release();
    }
  }

  it('reads back every tricky text, byte, number and array exactly', async () => {
    await schema.sql(
      `CREATE TABLE enc (id int, t text, b bytea, f float8, n numeric, a text[], ia int8[], ba bytea[], j jsonb)`,
    );
    const tricky = [
      '',
      '\\',
      '\\N',
      '\\.',
      'a\tb\nc\rd',
      '"quoted"',
      "'",
      '😀 漢字 e\u0301',
      'NULL',
      '{}',
      ',',
      '\u0001',
    ];
    const rows: unknown[][] = tricky.map((t, i) => [
      i,
      t,
      i === 0 ? ALL_BYTES : Buffer.from(t, 'utf8'),
      [0, -0, 1.5, NaN, Infinity, -Infinity, 1e-300, Number.MAX_VALUE, 0.1, -1, 2 ** 60, 123.456][i] ?? 0,
      '12345678901234567890.0123456789',
      [t, null, `${t}"x`, '\\'],
      [9223372036854775807n, null, -1],
      [Buffer.from(t), null, ALL_BYTES],
      JSON.stringify({ t, nested: [t, { ключ: '値' }] }),
    ]);
    rows.push([99, null, null, null, null, null, null, null, null]);
    await copyRows('enc', 'id, t, b, f, n, a, ia, ba, j', rows);
    const back = await schema.sql<{
      id: number;
      t: string | null;
      b: Buffer | null;
      f: number | null;
      a: (string | null)[] | null;
      ia: string | null;
      ba: string | null;
      j: unknown;
    }>(
      `SELECT id, t, b, f, a, ia::text, encode(ba[1], 'hex') || ',' || coalesce(ba[2]::text, 'null') || ',' || encode(ba[3], 'hex') AS ba, j FROM enc ORDER BY id`,
    );
    assert.equal(back.length, rows.length);
    for (let i = 0; i < tricky.length; i++) {
      const row = back[i]!;
      const t = tricky[i]!;
      assert.equal(row.t, t);
      assert.deepEqual(row.b, i === 0 ? ALL_BYTES : Buffer.from(t, 'utf8'));
      assert.ok(Object.is(row.f, rows[i]![3]), `float ${String(rows[i]![3])} came back as ${row.f}`);
      assert.deepEqual(row.a, [t, null, `${t}"x`, '\\']);
      assert.equal(row.ia, '{9223372036854775807,NULL,-1}');
      assert.equal(row.ba, `${Buffer.from(t).toString('hex')},null,${ALL_BYTES.toString('hex')}`);
      assert.deepEqual(row.j, { t, nested: [t, { ключ: '値' }] });
    }
    assert.deepEqual(back.at(-1), {
      id: 99,
      t: null,
      b: null,
      f: null,
      a: null,
      ia: null,
      ba: null,
      j: null,
    });
  });
});
