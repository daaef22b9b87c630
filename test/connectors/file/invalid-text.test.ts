/**
 * Issue 14, defect 2, at the file readers: bytes that the file's encoding cannot decode are found, with
 * their line, column and hex, and settled by `invalidText`; a validly written U+FFFD stays data.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openCsvSource } from '../../../src/connectors/file/csv-source.ts';
import { openJsonlSource } from '../../../src/connectors/file/jsonl-source.ts';
import type { InvalidTextPolicy } from '../../../src/connectors/invalid-text.ts';
import { replacedValues, rowDefect } from '../../../src/connectors/row-defect.ts';
import { readRows } from './file-test-helpers.ts';
import { tempDir } from '../../support/temp-dir.ts';

async function file(name: string, content: Buffer): Promise<string> {
  const path = join(await tempDir('jivs-file-'), name);
  await writeFile(path, content);
  return path;
}

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

async function csvRows(path: string, options: { encoding?: string; invalidText?: InvalidTextPolicy } = {}) {
  const source = await openCsvSource({ type: 'csv', path, ...options });
  try {
    return await readRows(source, 'x');
  } finally {
    await source.close();
  }
}

describe('invalid bytes in CSV files', () => {
  it('rejects by default, naming file:line, the column, the bytes in hex and where they start', async () => {
    const path = await file('x.csv', bytes('id,name,city\n1,caf', [0xe9], ',Bern\n2,ok,\uFFFD\n'));
    const rows = await csvRows(path);
    assert.deepEqual(rows, [
      ['1', 'caf\uFFFD', 'Bern'],
      ['2', 'ok', '\uFFFD'],
    ]);
    assert.equal(rowDefect(rows[0]!), `${path}:2: name: invalid UTF-8 bytes e9 at byte 3`);
    assert.equal(rowDefect(rows[1]!), undefined, 'a validly written U+FFFD is data');
    assert.equal(replacedValues(rows[0]!), undefined);
  });

  it('pairs each U+FFFD of a record with its bytes: written ones, invalid ones, over quoted lines', async () => {
    const path = await file(
      'x.csv',
      bytes('id,a,b\n1,"x\uFFFD\ny', [0xf0, 0x9f, 0x98], '",\uFFFD', [0xff, 0xc3], '\n2,', [0x80], ',b\n'),
    );
    const rows = await csvRows(path);
    assert.equal(
      rowDefect(rows[0]!),
      `${path}:2: a: invalid UTF-8 bytes f0 9f 98 at byte 6; b: invalid UTF-8 bytes ff at byte 3, c3 at byte 4`,
    );
    assert.equal(rowDefect(rows[1]!), `${path}:4: a: invalid UTF-8 bytes 80 at byte 0`);
  });

  it('replaces with U+FFFD or loads NULL when the spec says so, and marks the value', async () => {
    const content = bytes('id,name\n1,caf', [0xe9], '\n2,fine\n');
    const replaced = await csvRows(await file('x.csv', content), { invalidText: 'replace' });
    assert.deepEqual(replaced, [
      ['1', 'caf\uFFFD'],
      ['2', 'fine'],
    ]);
    assert.equal(rowDefect(replaced[0]!), undefined);
    assert.deepEqual(replacedValues(replaced[0]!), [1]);
    assert.equal(replacedValues(replaced[1]!), undefined);
    const nulled = await csvRows(await file('x.csv', content), { invalidText: 'null' });
    assert.deepEqual(nulled[0], ['1', null]);
    assert.deepEqual(replacedValues(nulled[0]!), [1]);
  });

  it('finds bytes an ASCII or windows-1252 file cannot hold, and none in latin1', async () => {
    const content = bytes('id,name\n1,caf', [0xe9], '\n2,x', [0x81], '\n');
    const ascii = await csvRows(await file('x.csv', content), { encoding: 'ascii' });
    assert.match(rowDefect(ascii[0]!) ?? '', /x\.csv:2: name: invalid ascii bytes e9 at byte 3$/);
    assert.match(rowDefect(ascii[1]!) ?? '', /x\.csv:3: name: invalid ascii bytes 81 at byte 1$/);
    const cp1252 = await csvRows(await file('x.csv', content), { encoding: 'windows-1252' });
    assert.deepEqual(cp1252[0], ['1', 'café']);
    assert.equal(rowDefect(cp1252[0]!), undefined);
    assert.match(rowDefect(cp1252[1]!) ?? '', /x\.csv:3: name: invalid windows-1252 bytes 81 at byte 1$/);
    const latin1 = await csvRows(await file('x.csv', content), { encoding: 'latin1' });
    assert.deepEqual(latin1, [
      ['1', 'café'],
      ['2', 'x\u0081'],
    ]);
  });

  it('finds a sequence cut by a read chunk, and counts lines ending in CRLF', async () => {
    const filler = 'a'.repeat(256 * 1024 - 12); // é starts on the last byte of the first chunk
    const content = bytes(`id,name\r\n1,${filler}`, [0xc3, 0xa9], '\r\n2,', [0xe2, 0x82], '\r\n');
    const rows = await csvRows(await file('x.csv', content));
    assert.equal(rowDefect(rows[0]!), undefined, 'é split between two chunks is valid');
    assert.equal(rows[0]![1], `${filler}é`);
    assert.match(rowDefect(rows[1]!) ?? '', /x\.csv:3: name: invalid UTF-8 bytes e2 82 at byte 0$/);
  });
});

async function jsonlRows(path: string, invalidText?: InvalidTextPolicy) {
  const source = await openJsonlSource({ type: 'jsonl', path, ...(invalidText ? { invalidText } : {}) });
  try {
    return await readRows(source, 'x', ['id', 'name', 'tags']);
  } finally {
    await source.close();
  }
}

describe('invalid bytes in JSON Lines files', () => {
  const content = bytes(
    '{"id":1,"name":"caf',
    [0xe9],
    '","tags":["\uFFFD"]}\n{"id":2,"name":"\\ufffd\uFFFD","tags":["',
    [0xfe],
    '"]}\n{"id":3,"name":"ok","tags":null}\n',
  );

  it('rejects by default with file:line, the key, the bytes and where they start in the value', async () => {
    const path = await file('x.jsonl', content);
    const rows = await jsonlRows(path);
    assert.equal(rowDefect(rows[0]!), `${path}:1: name: invalid UTF-8 bytes e9 at byte 3`);
    assert.equal(rowDefect(rows[1]!), `${path}:2: tags: invalid UTF-8 bytes fe at byte 2`);
    assert.equal(rowDefect(rows[2]!), undefined);
    assert.deepEqual(rows[1], [2, '\uFFFD\uFFFD', '["\uFFFD"]']);
  });

  it('replaces or nulls the value when the spec says so', async () => {
    const replaced = await jsonlRows(await file('x.jsonl', content), 'replace');
    assert.deepEqual(replaced[0], [1, 'caf\uFFFD', '["\uFFFD"]']);
    assert.deepEqual(replacedValues(replaced[0]!), [1]);
    assert.deepEqual(replacedValues(replaced[1]!), [2]);
    assert.equal(rowDefect(replaced[0]!), undefined);
    const nulled = await jsonlRows(await file('x.jsonl', content), 'null');
    assert.deepEqual(nulled[0], [1, null, '["\uFFFD"]']);
    assert.deepEqual(nulled[1], [2, '\uFFFD\uFFFD', null]);
  });
});
