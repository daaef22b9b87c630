/**
 * Issue 14, defect 2, at the SQLite source: a TEXT value that is not valid UTF-8 (better-sqlite3 reads it
 * with U+FFFD in place of the bad bytes) is found, named by rowid, column and hex, and settled by
 * `invalidText`; a U+FFFD stored validly stays data. Tables with and without a rowid.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import type { Row } from '../../../src/connectors/connector.ts';
import type { InvalidTextPolicy } from '../../../src/connectors/invalid-text.ts';
import { replacedValues, rowDefect } from '../../../src/connectors/row-defect.ts';
import { openSqliteSource } from '../../../src/connectors/sqlite/sqlite-source.ts';
import { tempDir } from '../../support/temp-dir.ts';

const TABLES = `
CREATE TABLE plain (name TEXT, note TEXT);
INSERT INTO plain VALUES (CAST(X'636166e9' AS TEXT), 'ok');
INSERT INTO plain VALUES ('fine', CAST(X'efbfbd2078' AS TEXT));
INSERT INTO plain VALUES (CAST(X'efbfbdff' AS TEXT), CAST(X'f09f98' AS TEXT));
CREATE TABLE keyed (id INTEGER PRIMARY KEY, name TEXT);
INSERT INTO keyed VALUES (7, CAST(X'41c3' AS TEXT));
CREATE TABLE coded (code TEXT PRIMARY KEY, name TEXT) WITHOUT ROWID;
INSERT INTO coded VALUES ('a', CAST(X'e9' AS TEXT));
INSERT INTO coded VALUES (CAST(X'62ff' AS TEXT), 'x');
`;

async function databaseFile(t: TestContext): Promise<string> {
  const dir = await tempDir('jivs-invalid-bytes-sqlite-', t);
  const path = join(dir, 'source.db');
  const db = new Database(path);
  db.exec(TABLES);
  db.close();
  return path;
}

async function read(path: string, table: string, policy?: InvalidTextPolicy): Promise<Row[]> {
  const source = await openSqliteSource(path, policy);
  try {
    const schema = (await source.introspector.listTables()).find((t) => t.name === table)!;
    const rows: Row[] = [];
    const columns = schema.columns.map((c) => c.name);
    for await (const batch of source.read(schema, columns, { kind: 'whole' }, 100)) rows.push(...batch);
    return rows;
  } finally {
    await source.close();
  }
}

describe('invalid UTF-8 in a SQLite source', () => {
  it('rejects by default with rowid, column, bytes and offset; a stored U+FFFD is data', async (t) => {
    const path = await databaseFile(t);
    const rows = await read(path, 'plain');
    assert.deepEqual(rows, [
      ['caf\uFFFD', 'ok'],
      ['fine', '\uFFFD x'],
      ['\uFFFD\uFFFD', '\uFFFD'],
    ]);
    assert.equal(rowDefect(rows[0]!), 'rowid 1: name: invalid UTF-8 bytes e9 at byte 3');
    assert.equal(rowDefect(rows[1]!), undefined);
    assert.equal(
      rowDefect(rows[2]!),
      'rowid 3: name: invalid UTF-8 bytes ff at byte 3; note: invalid UTF-8 bytes f0 9f 98 at byte 0',
    );
    const keyed = await read(path, 'keyed');
    assert.deepEqual(keyed, [[7, 'A\uFFFD']]);
    assert.equal(rowDefect(keyed[0]!), 'rowid 7: name: invalid UTF-8 bytes c3 at byte 1');
    const coded = await read(path, 'coded');
    assert.equal(rowDefect(coded[0]!), 'name: invalid UTF-8 bytes e9 at byte 0');
    // Its key holds the invalid bytes, so the row cannot be found again: taken as invalid, said so.
    assert.equal(
      rowDefect(coded[1]!),
      'code: holds U+FFFD that may stand for invalid UTF-8 bytes (the row could not be read again to tell)',
    );
  });

  it('replaces or loads NULL when the spec says so, marking the value', async (t) => {
    const path = await databaseFile(t);
    const replaced = await read(path, 'plain', 'replace');
    assert.deepEqual(replaced[2], ['\uFFFD\uFFFD', '\uFFFD']);
    assert.equal(rowDefect(replaced[2]!), undefined);
    assert.deepEqual(replacedValues(replaced[2]!), [0, 1]);
    assert.equal(replacedValues(replaced[1]!), undefined);
    const nulled = await read(path, 'plain', 'null');
    assert.deepEqual(nulled, [
      [null, 'ok'],
      ['fine', '\uFFFD x'],
      [null, null],
    ]);
  });
});
