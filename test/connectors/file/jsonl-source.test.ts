import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import iconv from 'iconv-lite';
import { SAMPLE_ROWS, WHOLE_SAMPLE_MAX_BYTES } from '../../../src/connectors/file/file-introspector.ts';
import { openJsonlSource } from '../../../src/connectors/file/jsonl-source.ts';
import { rowDefect } from '../../../src/connectors/row-defect.ts';
import { InputError, MigrationFailedError } from '../../../src/core/errors.ts';
import { isFileOpen, readBatches, readRows, tableOf, waitFor } from './file-test-helpers.ts';
import { tempDir } from '../../support/temp-dir.ts';

async function jsonlFile(name: string, lines: string[] | Buffer): Promise<string> {
  const file = join(await tempDir('jivs-file-'), name);
  await writeFile(file, Array.isArray(lines) ? lines.join('\n') + '\n' : lines);
  return file;
}

describe('JSON Lines source', () => {
  it('takes the union of keys in first-seen order and infers types from JSON values', async () => {
    const path = await jsonlFile('events.jsonl', [
      '{"id":1,"name":"a","score":1.5,"ok":true,"day":"2024-01-02","meta":{"k":[1,2]}}',
      '',
      '{"id":2,"at":"2024-01-02T03:04:05","score":2,"tags":["x"],"name":null}',
      '   ',
      '{"id":3,"name":"c","ok":false,"when":"2024-01-02T03:04:05+02:00"}',
    ]);
    const source = await openJsonlSource({ type: 'jsonl', path });
    const table = await tableOf(source, 'events');
    assert.deepEqual(
      table.columns.map((c) => [c.name, c.type.kind]),
      [
        ['id', 'integer'],
        ['name', 'text'],
        ['score', 'float'],
        ['ok', 'boolean'],
        ['day', 'date'],
        ['meta', 'json'],
        ['at', 'timestamp'],
        ['tags', 'json'],
        ['when', 'timestamptz'],
      ],
    );
    assert.deepEqual(await readRows(source, 'events'), [
      [1, 'a', 1.5, true, '2024-01-02', '{"k":[1,2]}', null, null, null],
      [2, null, 2, null, null, null, '2024-01-02T03:04:05', '["x"]', null],
      [3, 'c', null, false, null, null, null, null, '2024-01-02T03:04:05+02:00'],
    ]);
    assert.deepEqual(await source.introspector.statistics(table), { rowCount: 3, partitionKey: null });
  });

  it('reads a subset of columns in the order asked, in batches', async () => {
    const path = await jsonlFile(
      't.jsonl',
      Array.from({ length: 10 }, (_, i) => JSON.stringify({ a: i, b: `v${i}` })),
    );
    const source = await openJsonlSource({ type: 'jsonl', path });
    const batches = await readBatches(source, 't', { columns: ['b', 'a'], batchSize: 3 });
    assert.deepEqual(
      batches.map((b) => b.length),
      [3, 3, 3, 1],
    );
    assert.deepEqual(batches[3], [['v9', 9]]);
  });

  it('names the file and line of a line that is not a JSON object, without quoting it', async () => {
    const path = await jsonlFile('t.jsonl', ['{"a":1}', '', '{"a":"s3cr3t-value"', '[1]']);
    const source = await openJsonlSource({ type: 'jsonl', path });
    await assert.rejects(source.introspector.listTables(), (error: Error) => {
      assert.ok(error instanceof InputError);
      assert.match(
        error.message,
        new RegExp(
          `^${path}:3: not valid JSON( at character \\d+)?; each line must hold one JSON object\\.$`,
        ),
      );
      assert.doesNotMatch(error.message, /s3cr3t/);
      return true;
    });
    const table = {
      name: 't',
      columns: [
        {
          name: 'a',
          nativeType: 'x',
          type: { kind: 'integer' as const },
          nullable: true,
          defaultValue: null,
        },
      ],
      primaryKey: [],
      indexes: [],
      foreignKeys: [],
    };
    await assert.rejects(
      async () => {
        for await (const _ of source.read(table, ['a'], { kind: 'whole' }, 100));
      },
      (error: Error) =>
        error instanceof MigrationFailedError && error.message.startsWith(`${path}:3: not valid JSON`),
    );
    const arrays = await jsonlFile('u.jsonl', ['{"a":1}', '[1]']);
    await assert.rejects(
      (await openJsonlSource({ type: 'jsonl', path: arrays })).introspector.listTables(),
      new RegExp(`u\\.jsonl:2: holds an array; each line must hold one JSON object`),
    );
  });

  it('keeps __proto__ an ordinary key without polluting prototypes', async () => {
    const path = await jsonlFile('t.jsonl', [
      '{"__proto__":{"polluted":1},"constructor":"c","a":1}',
      '{"a":2}',
    ]);
    const source = await openJsonlSource({ type: 'jsonl', path });
    const table = await tableOf(source, 't');
    assert.deepEqual(
      table.columns.map((c) => c.name),
      ['__proto__', 'constructor', 'a'],
    );
    assert.deepEqual(await readRows(source, 't'), [
      ['{"polluted":1}', 'c', 1],
      [null, null, 2],
    ]);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('reads a small file whole to find its columns: a key on the last line is a column', async () => {
    const lines = Array.from({ length: 1001 }, (_, i) => JSON.stringify({ a: i }));
    lines.push('{"a":1001,"late":"x"}');
    const path = await jsonlFile('t.jsonl', lines);
    const source = await openJsonlSource({ type: 'jsonl', path });
    assert.deepEqual(
      (await tableOf(source, 't')).columns.map((c) => c.name),
      ['a', 'late'],
    );
    const rows = await readRows(source, 't');
    assert.deepEqual(rows[1001], [1001, 'x']);
  });

  it('marks a row of a large file with keys the sample did not see', async () => {
    const pad = 'p'.repeat(1700);
    const lines = Array.from({ length: SAMPLE_ROWS + 1 }, (_, i) => JSON.stringify({ a: i, pad }));
    lines.push(JSON.stringify({ a: SAMPLE_ROWS + 1, pad, late: 'x' }));
    const path = await jsonlFile('t.jsonl', lines);
    assert.ok((await stat(path)).size > WHOLE_SAMPLE_MAX_BYTES);
    const source = await openJsonlSource({ type: 'jsonl', path });
    assert.deepEqual(
      (await tableOf(source, 't')).columns.map((c) => c.name),
      ['a', 'pad'],
    );
    const rows = await readRows(source, 't');
    assert.equal(rows.length, SAMPLE_ROWS + 2);
    assert.equal(rowDefect(rows[SAMPLE_ROWS]!), undefined);
    assert.match(
      rowDefect(rows[SAMPLE_ROWS + 1]!) ?? '',
      new RegExp(`t\\.jsonl:${SAMPLE_ROWS + 2}: keys "late" are not among the table's columns`),
    );
  });

  it('decodes a latin1 file', async () => {
    const path = await jsonlFile('t.jsonl', iconv.encode('{"name":"Müller"}\n{"name":"Größe"}\n', 'latin1'));
    const source = await openJsonlSource({ type: 'jsonl', path, encoding: 'latin1' });
    assert.deepEqual(await readRows(source, 't'), [['Müller'], ['Größe']]);
  });

  it('closes the file when the consumer stops early', async () => {
    const path = await jsonlFile(
      't.jsonl',
      Array.from({ length: 50_000 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(100) })),
    );
    const source = await openJsonlSource({ type: 'jsonl', path });
    const table = await tableOf(source, 't');
    const iterator = source.read(table, ['i'], { kind: 'whole' }, 10)[Symbol.asyncIterator]();
    assert.equal((await iterator.next()).value?.length, 10);
    await iterator.return?.();
    await waitFor(async () => !(await isFileOpen(path)), 'the JSON Lines file to be closed');
  });

  it('rejects a file without any object', async () => {
    const path = await jsonlFile('t.jsonl', ['', '  ']);
    await assert.rejects(
      (await openJsonlSource({ type: 'jsonl', path })).introspector.listTables(),
      /holds no JSON object, so its columns are unknown/,
    );
  });
});
