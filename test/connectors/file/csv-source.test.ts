import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import iconv from 'iconv-lite';
import { openCsvSource } from '../../../src/connectors/file/csv-source.ts';
import { rowDefect } from '../../../src/connectors/row-defect.ts';
import { InputError, MigrationFailedError } from '../../../src/errors.ts';
import { isFileOpen, readBatches, readRows, tableOf, tempDir, waitFor } from './file-test-helpers.ts';

async function csvFile(name: string, content: string | Buffer): Promise<string> {
  const file = join(await tempDir(), name);
  await writeFile(file, content);
  return file;
}

describe('CSV source', () => {
  it('reads a file with a header as one table named after the file', async () => {
    const path = await csvFile('people.csv', 'id,name\n1,Anna\n2,Bert\n');
    const source = await openCsvSource({ type: 'csv', path });
    const tables = await source.introspector.listTables();
    assert.deepEqual(
      tables.map((t) => [t.name, t.columns.map((c) => c.name)]),
      [['people', ['id', 'name']]],
    );
    assert.deepEqual(tables[0]!.primaryKey, []);
    assert.deepEqual(await readRows(source, 'people'), [
      ['1', 'Anna'],
      ['2', 'Bert'],
    ]);
    assert.deepEqual(await source.introspector.statistics(tables[0]!), { rowCount: 2, partitionKey: null });
    await source.close();
  });

  it('names columns col1..colN without a header, or after the endpoint columns', async () => {
    const path = await csvFile('t.csv', '1,Anna\n2,Bert\n');
    const plain = await openCsvSource({ type: 'csv', path, header: false });
    assert.deepEqual(
      (await tableOf(plain, 't')).columns.map((c) => c.name),
      ['col1', 'col2'],
    );
    assert.deepEqual(await readRows(plain, 't'), [
      ['1', 'Anna'],
      ['2', 'Bert'],
    ]);
    const named = await openCsvSource({ type: 'csv', path, header: false, columns: ['id', 'name'] });
    assert.deepEqual(await readRows(named, 't', ['name']), [['Anna'], ['Bert']]);
  });

  it('honours a custom delimiter and quote', async () => {
    const path = await csvFile('t.csv', "id;note\n1;'a;b ''c'''\n2;plain\n");
    const source = await openCsvSource({ type: 'csv', path, delimiter: ';', quote: "'" });
    assert.deepEqual(await readRows(source, 't'), [
      ['1', "a;b 'c'"],
      ['2', 'plain'],
    ]);
  });

  it('decodes a latin1 file', async () => {
    const path = await csvFile('t.csv', iconv.encode('name,city\nMüller,Zürich\nGroß,Köln\n', 'latin1'));
    const source = await openCsvSource({ type: 'csv', path, encoding: 'latin1' });
    assert.deepEqual(await readRows(source, 't'), [
      ['Müller', 'Zürich'],
      ['Groß', 'Köln'],
    ]);
  });

  it('rejects an unknown encoding', async () => {
    const path = await csvFile('t.csv', 'a\n1\n');
    await assert.rejects(openCsvSource({ type: 'csv', path, encoding: 'klingon-8' }), (error: Error) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, /unknown encoding "klingon-8"/);
      return true;
    });
  });

  it('reads an unquoted null marker as null and a quoted empty field as an empty string', async () => {
    const path = await csvFile('t.csv', 'a,b,c,d\n1,,"",x\n,"",,\n');
    const source = await openCsvSource({ type: 'csv', path });
    assert.deepEqual(await readRows(source, 't'), [
      ['1', null, '', 'x'],
      [null, '', null, null],
    ]);
    const custom = await csvFile('u.csv', 'a,b,c,d\n1,NULL,"NULL",\n"",x,NULL,"a""b"\n');
    const marked = await openCsvSource({ type: 'csv', path: custom, nullValue: 'NULL' });
    assert.deepEqual(await readRows(marked, 'u'), [
      ['1', null, 'NULL', ''],
      ['', 'x', null, 'a"b'],
    ]);
  });

  it('reads quoted fields holding the delimiter, line breaks and quotes', async () => {
    const path = await csvFile('t.csv', 'a,b,c\n"x,y","line1\nline2\r\nline3","say ""hi"""\n"",,"3"\n');
    const source = await openCsvSource({ type: 'csv', path });
    assert.deepEqual(await readRows(source, 't'), [
      ['x,y', 'line1\nline2\r\nline3', 'say "hi"'],
      ['', null, '3'],
    ]);
    assert.equal((await source.introspector.statistics(await tableOf(source, 't'))).rowCount, 2);
  });

  it('rejects a header that differs from the expected columns, listing both', async () => {
    const path = await csvFile('t.csv', 'id,name,phone\n1,a,2\n');
    const source = await openCsvSource({ type: 'csv', path, columns: ['id', 'name', 'email'] });
    await assert.rejects(source.introspector.listTables(), (error: Error) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, /t\.csv:1: the header does not match the expected columns/);
      assert.match(error.message, /expected \[id, name, email\], found \[id, name, phone\]/);
      assert.match(error.message, /missing \[email\], unexpected \[phone\]/);
      return true;
    });
  });

  it('rejects duplicate and empty header names', async () => {
    const path = await csvFile('t.csv', 'id,name,,id\n1,2,3,4\n');
    const source = await openCsvSource({ type: 'csv', path });
    await assert.rejects(source.introspector.listTables(), (error: Error) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.problems.length, 2);
      assert.match(error.message, /header column 3 has no name/);
      assert.match(error.message, /header names "id" twice \(columns 1 and 4\)/);
      return true;
    });
  });

  it('infers column types from the sample', async () => {
    const lines = [
      'int,big,dec,flt,bool,day,ts,tstz,tm,zip,mixed,nulls,huge',
      '1,9007199254740993,1.50,1e3,true,2024-02-29,2024-01-02 03:04:05,2024-01-02T03:04:05Z,12:30:00,01234,1,,123456789012345678901234567890',
      '-20,-5,-0.25,2.5,FALSE,2023-12-31,2024-01-02T03:04:05.123,2024-01-02 03:04:05+01:00,23:59:59.5,12345,x,,1',
      ',,,,,,,,,,,,',
    ];
    const path = await csvFile('t.csv', lines.join('\n') + '\n');
    const source = await openCsvSource({ type: 'csv', path });
    const table = await tableOf(source, 't');
    assert.deepEqual(Object.fromEntries(table.columns.map((c) => [c.name, c.type.kind])), {
      int: 'integer',
      big: 'bigint',
      dec: 'decimal',
      flt: 'float',
      bool: 'boolean',
      day: 'date',
      ts: 'timestamp',
      tstz: 'timestamptz',
      tm: 'time',
      zip: 'text',
      mixed: 'text',
      nulls: 'text',
      huge: 'decimal',
    });
    assert.equal(table.columns[0]!.nativeType, 'inferred:integer');
    assert.ok(table.columns.every((c) => c.nullable && c.defaultValue === null));
  });

  it('reads a subset of columns in the order asked', async () => {
    const path = await csvFile('t.csv', 'a,b,c\n1,2,3\n4,5,6\n');
    const source = await openCsvSource({ type: 'csv', path });
    assert.deepEqual(await readRows(source, 't', ['c', 'a']), [
      ['3', '1'],
      ['6', '4'],
    ]);
    const table = await tableOf(source, 't');
    await assert.rejects(
      async () => {
        for await (const _ of source.read(table, ['a', 'nope'], { kind: 'whole' }, 10));
      },
      (error: Error) => error instanceof MigrationFailedError && /has no column "nope"/.test(error.message),
    );
  });

  it('yields batches of at most batchSize rows', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => `${i}`);
    const path = await csvFile('t.csv', `n\n${rows.join('\n')}\n`);
    const source = await openCsvSource({ type: 'csv', path });
    const batches = await readBatches(source, 't', { batchSize: 3 });
    assert.deepEqual(
      batches.map((b) => b.length),
      [3, 3, 3, 1],
    );
    assert.deepEqual(
      batches.flat(),
      rows.map((n) => [n]),
    );
  });

  it('closes the file when the consumer stops early', async () => {
    const path = await csvFile('t.csv', 'n,text\n' + `1,${'x'.repeat(100)}\n`.repeat(50_000));
    const source = await openCsvSource({ type: 'csv', path });
    const table = await tableOf(source, 't');
    const iterator = source.read(table, ['n'], { kind: 'whole' }, 10)[Symbol.asyncIterator]();
    const first = await iterator.next();
    assert.equal(first.value?.length, 10);
    assert.equal(await isFileOpen(path), true);
    await iterator.return?.();
    await waitFor(async () => !(await isFileOpen(path)), 'the CSV file to be closed');
  });

  it('yields rows with the wrong field count, padded or cut, and marks them', async () => {
    const path = await csvFile('t.csv', 'a,b,c\n1,2,3\n4,5\n"multi\nline",7,8,9,10\n11,12,13\n');
    const source = await openCsvSource({ type: 'csv', path });
    const rows = await readRows(source, 't');
    assert.deepEqual(rows, [
      ['1', '2', '3'],
      ['4', '5', null],
      ['multi\nline', '7', '8'],
      ['11', '12', '13'],
    ]);
    assert.equal(rowDefect(rows[0]!), undefined);
    assert.equal(
      rowDefect(rows[1]!),
      `${path}:3: 2 fields, expected 3; the missing fields were read as NULL`,
    );
    assert.equal(
      rowDefect(rows[2]!),
      `${path}:4: 5 fields, expected 3; the extra fields were dropped: "9", "10"`,
    );
    assert.equal(rowDefect(rows[3]!), undefined);
  });

  it('skips blank lines, except in a single-column file where they are NULL', async () => {
    const wide = await csvFile('w.csv', 'a,b\n\n1,2\n\n3,4\n\n');
    assert.deepEqual(await readRows(await openCsvSource({ type: 'csv', path: wide }), 'w'), [
      ['1', '2'],
      ['3', '4'],
    ]);
    const narrow = await csvFile('n.csv', 'a\n1\n\n""\n3\n');
    assert.deepEqual(await readRows(await openCsvSource({ type: 'csv', path: narrow }), 'n'), [
      ['1'],
      [null],
      [''],
      ['3'],
    ]);
  });

  it('reports a CSV syntax error with file and line', async () => {
    const path = await csvFile('t.csv', 'a,b\n1,2\n3,"unclosed\n4,5\n');
    const source = await openCsvSource({ type: 'csv', path, header: true, columns: ['a', 'b'] });
    const table = {
      name: 't',
      columns: ['a', 'b'].map((name) => ({
        name,
        nativeType: 'inferred:text',
        type: { kind: 'text' as const },
        nullable: true,
        defaultValue: null,
      })),
      primaryKey: [],
      indexes: [],
      foreignKeys: [],
    };
    await assert.rejects(
      async () => {
        for await (const _ of source.read(table, ['a'], { kind: 'whole' }, 10));
      },
      (error: Error) => {
        assert.ok(error instanceof MigrationFailedError);
        assert.match(error.message, new RegExp(`^${path}:\\d+: Quote Not Closed`));
        assert.match(error.message, /check the delimiter, quote and encoding options/);
        return true;
      },
    );
    await assert.rejects(source.introspector.listTables(), InputError);
  });

  it('maps a directory to one table per CSV file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'b.csv'), 'x\n1\n');
    await writeFile(join(dir, 'a.CSV'), 'y\n2\n');
    await writeFile(join(dir, 'notes.txt'), 'ignored');
    const source = await openCsvSource({ type: 'csv', path: dir });
    assert.deepEqual(
      (await source.introspector.listTables()).map((t) => t.name),
      ['a', 'b'],
    );
    assert.deepEqual(await readRows(source, 'a'), [['2']]);
  });

  it('rejects a missing path, naming it', async () => {
    const path = join(await tempDir(), 'nope.csv');
    await assert.rejects(openCsvSource({ type: 'csv', path }), (error: Error) => {
      assert.ok(error instanceof InputError);
      assert.equal(
        error.message,
        `${path}: does not exist; check the path, or create the CSV file or directory.`,
      );
      return true;
    });
  });

  it('rejects a directory without CSV files', async () => {
    const dir = await tempDir();
    await assert.rejects(openCsvSource({ type: 'csv', path: dir }), /holds no \*\.csv files/);
  });
});
