import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TableSchema } from '../../../src/connectors/connector.ts';
import type { LogicalKind } from '../../../src/core/logical-type.ts';
import { openJsonlSink } from '../../../src/connectors/file/jsonl-sink.ts';
import { openJsonlSource } from '../../../src/connectors/file/jsonl-source.ts';
import { InputError } from '../../../src/core/errors.ts';
import { readRows } from './file-test-helpers.ts';
import { tempDir } from '../../support/temp-dir.ts';

function table(name: string, columns: [string, LogicalKind][]): TableSchema {
  return {
    name,
    columns: columns.map(([column, kind]) => ({
      name: column,
      nativeType: kind,
      type: { kind },
      nullable: true,
      defaultValue: null,
    })),
    primaryKey: [],
    indexes: [],
    foreignKeys: [],
  };
}

const DOCS = table('docs', [
  ['id', 'bigint'],
  ['title', 'text'],
  ['body', 'json'],
  ['raw', 'binary'],
  ['ok', 'boolean'],
  ['__proto__', 'text'],
]);

describe('JSON Lines sink', () => {
  it('writes one object per line and round-trips through the JSON Lines source', async () => {
    const dir = await tempDir('jivs-file-');
    const sink = await openJsonlSink({ type: 'jsonl', path: dir });
    await sink.prepareTable(DOCS, 'create');
    const writer = await sink.openWriter(DOCS);
    await writer.write([
      [1n, 'a', '{\n  "k": [1, 2],\n  "big": 12345678901234567890\n}', Buffer.from('hi'), true, 'p'],
      [9007199254740993n, '', 'not json', null, false, null],
      [3n, null, null, Buffer.alloc(0), null, 'line\nbreak "q"'],
    ]);
    await sink.finalizeTable(DOCS);
    assert.equal(await sink.countRows('docs'), 3);
    await sink.close();

    const lines = (await readFile(join(dir, 'docs.jsonl'), 'utf8')).split('\n');
    assert.equal(lines.length, 4);
    assert.equal(lines[3], '');
    assert.equal(
      lines[0],
      '{"id":1,"title":"a","body":{   "k": [1, 2],   "big": 12345678901234567890 },"raw":"aGk=","ok":true,"__proto__":"p"}',
    );
    assert.deepEqual(Object.entries(JSON.parse(lines[1]!)), [
      ['id', '9007199254740993'],
      ['title', ''],
      ['body', 'not json'],
      ['raw', null],
      ['ok', false],
      ['__proto__', null],
    ]);

    const source = await openJsonlSource({ type: 'jsonl', path: dir });
    assert.deepEqual(await readRows(source, 'docs'), [
      [1, 'a', '{"k":[1,2],"big":12345678901234567000}', 'aGk=', true, 'p'],
      ['9007199254740993', '', 'not json', null, false, null],
      [3, null, null, '', null, 'line\nbreak "q"'],
    ]);
  });

  it('appends, reporting the rows already there', async () => {
    const dir = await tempDir('jivs-file-');
    const t = table('t', [['a', 'integer']]);
    const sink = await openJsonlSink({ type: 'jsonl', path: dir });
    await sink.prepareTable(t, 'create');
    await (await sink.openWriter(t)).write([[1], [2]]);
    await sink.finalizeTable(t);
    assert.deepEqual(await sink.prepareTable(t, 'append'), { rowsBefore: 2 });
    await (await sink.openWriter(t)).write([[3]]);
    await sink.finalizeTable(t);
    assert.equal(await readFile(join(dir, 't.jsonl'), 'utf8'), '{"a":1}\n{"a":2}\n{"a":3}\n');
    assert.equal(await sink.countRows('t'), 3);
    await assert.rejects(sink.prepareTable(t, 'fail-if-exists'), InputError);
    assert.equal(await sink.countRows('missing'), 0);
  });

  it('writes in the endpoint encoding', async () => {
    const dir = await tempDir('jivs-file-');
    const t = table('t', [['name', 'text']]);
    const sink = await openJsonlSink({ type: 'jsonl', path: dir, encoding: 'utf16le' });
    await sink.prepareTable(t, 'create');
    await (await sink.openWriter(t)).write([['Müller']]);
    await sink.close();
    assert.equal((await readFile(join(dir, 't.jsonl'))).toString('utf16le'), '{"name":"Müller"}\n');
    const source = await openJsonlSource({ type: 'jsonl', path: dir, encoding: 'utf16le' });
    assert.deepEqual(await readRows(source, 't'), [['Müller']]);
  });
});
