import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import iconv from 'iconv-lite';
import type { ColumnSchema, TableSchema } from '../../../src/connectors/connector.ts';
import type { LogicalKind } from '../../../src/core/logical-type.ts';
import { openCsvSink } from '../../../src/connectors/file/csv-sink.ts';
import { openCsvSource } from '../../../src/connectors/file/csv-source.ts';
import { InputError } from '../../../src/core/errors.ts';
import { readRows } from './file-test-helpers.ts';
import { tempDir } from '../../support/temp-dir.ts';

function table(name: string, columns: [string, LogicalKind][]): TableSchema {
  return {
    name,
    columns: columns.map(([column, kind]): ColumnSchema => ({
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

const ITEMS = table('items', [
  ['id', 'integer'],
  ['name', 'text'],
  ['price', 'decimal'],
  ['big', 'bigint'],
  ['ok', 'boolean'],
  ['raw', 'binary'],
]);

describe('CSV sink', () => {
  it('round-trips values through the CSV source, keeping NULL and empty strings apart', async () => {
    const dir = await tempDir('jivs-file-');
    const sink = await openCsvSink({ type: 'csv', path: join(dir, 'out') });
    assert.equal(await sink.tableExists('items'), false);
    assert.deepEqual(await sink.prepareTable(ITEMS, 'create'), { rowsBefore: 0 });
    const writer = await sink.openWriter(ITEMS);
    await writer.write([
      [1, 'plain', '12.50', 9007199254740993n, true, Buffer.from('hi')],
      [2, '', null, -1n, false, null],
      [3, 'comma, "quote"\nnewline', '0', 0n, null, Buffer.alloc(0)],
      [4, null, '-1.5', null, true, Buffer.from([0, 255])],
    ]);
    await writer.close();
    await sink.finalizeTable(ITEMS);
    await assert.rejects(
      writer.write([[5, 'late', null, null, null, null]]),
      /table "items" is already finalized/,
    );
    assert.equal(await sink.tableExists('items'), true);
    assert.equal(await sink.countRows('items'), 4);
    await sink.close();

    const text = await readFile(join(dir, 'out', 'items.csv'), 'utf8');
    assert.equal(text.split('\n')[0], 'id,name,price,big,ok,raw');
    assert.equal(text.split('\n')[2], '2,"",,-1,false,');

    const source = await openCsvSource({ type: 'csv', path: join(dir, 'out') });
    assert.deepEqual(await readRows(source, 'items'), [
      ['1', 'plain', '12.50', '9007199254740993', 'true', 'aGk='],
      ['2', '', null, '-1', 'false', null],
      ['3', 'comma, "quote"\nnewline', '0', '0', null, ''],
      ['4', null, '-1.5', null, 'true', 'AP8='],
    ]);
  });

  it('honours delimiter, quote, null marker, encoding and header: false', async () => {
    const dir = await tempDir('jivs-file-');
    const endpoint = {
      type: 'csv' as const,
      path: dir,
      delimiter: ';',
      quote: "'",
      nullValue: 'NULL',
      encoding: 'latin1',
      header: false,
      columns: ['id', 'name'],
    };
    const people = table('people', [
      ['id', 'integer'],
      ['name', 'text'],
    ]);
    const sink = await openCsvSink(endpoint);
    await sink.prepareTable(people, 'truncate');
    await (
      await sink.openWriter(people)
    ).write([
      [1, 'Müller; Jörg'],
      [2, 'NULL'],
      [3, null],
      [4, "O'Brien"],
      [5, ''],
    ]);
    await sink.finalizeTable(people);
    const bytes = await readFile(join(dir, 'people.csv'));
    assert.equal(iconv.decode(bytes, 'latin1'), "1;'Müller; Jörg'\n2;'NULL'\n3;NULL\n4;'O''Brien'\n5;''\n");
    assert.ok(bytes.includes(0xfc), 'ü is one latin1 byte');
    const source = await openCsvSource(endpoint);
    assert.deepEqual(await readRows(source, 'people'), [
      ['1', 'Müller; Jörg'],
      ['2', 'NULL'],
      ['3', null],
      ['4', "O'Brien"],
      ['5', ''],
    ]);
  });

  it('appends to an existing file, reporting its rows and writing no second header', async () => {
    const dir = await tempDir('jivs-file-');
    const t = table('t', [
      ['a', 'integer'],
      ['b', 'text'],
    ]);
    const first = await openCsvSink({ type: 'csv', path: dir });
    await first.prepareTable(t, 'create');
    await (
      await first.openWriter(t)
    ).write([
      [1, 'multi\nline'],
      [2, 'x'],
      [3, 'y'],
    ]);
    await first.close();

    const second = await openCsvSink({ type: 'csv', path: dir });
    assert.deepEqual(await second.prepareTable(t, 'append'), { rowsBefore: 3 });
    await (await second.openWriter(t)).write([[4, 'z']]);
    await second.finalizeTable(t);
    assert.equal(await second.countRows('t'), 4);
    assert.equal(await readFile(join(dir, 't.csv'), 'utf8'), 'a,b\n1,"multi\nline"\n2,x\n3,y\n4,z\n');

    const other = table('t', [['c', 'integer']]);
    await assert.rejects(second.prepareTable(other, 'append'), (error: Error) => {
      assert.ok(error instanceof InputError);
      assert.match(
        error.message,
        /cannot append: the file's header is \[a, b\] but table "t" has columns \[c\]/,
      );
      return true;
    });
  });

  it('completes a last line without a line break before appending', async () => {
    const dir = await tempDir('jivs-file-');
    await writeFile(join(dir, 't.csv'), 'a\n1');
    const sink = await openCsvSink({ type: 'csv', path: dir });
    const t = table('t', [['a', 'integer']]);
    assert.deepEqual(await sink.prepareTable(t, 'append'), { rowsBefore: 1 });
    await (await sink.openWriter(t)).write([[2]]);
    await sink.finalizeTable(t);
    assert.equal(await readFile(join(dir, 't.csv'), 'utf8'), 'a\n1\n2\n');
  });

  it('refuses an existing file in fail-if-exists mode', async () => {
    const dir = await tempDir('jivs-file-');
    await writeFile(join(dir, 'items.csv'), 'id\n1\n');
    const sink = await openCsvSink({ type: 'csv', path: dir });
    await assert.rejects(sink.prepareTable(ITEMS, 'fail-if-exists'), (error: Error) => {
      assert.ok(error instanceof InputError);
      assert.equal(
        error.message,
        `target file ${join(dir, 'items.csv')} already exists; remove it or choose mode create/truncate/append.`,
      );
      return true;
    });
    assert.equal(await readFile(join(dir, 'items.csv'), 'utf8'), 'id\n1\n');
    assert.deepEqual(await sink.prepareTable(ITEMS, 'create'), { rowsBefore: 0 });
    await sink.close();
    assert.equal(await readFile(join(dir, 'items.csv'), 'utf8'), 'id,name,price,big,ok,raw\n');
  });

  it('lets several writers of one table write at once without mixing batches', async () => {
    const dir = await tempDir('jivs-file-');
    const t = table('t', [
      ['writer', 'integer'],
      ['n', 'integer'],
    ]);
    const sink = await openCsvSink({ type: 'csv', path: dir });
    await sink.prepareTable(t, 'create');
    const writers = await Promise.all([0, 1, 2].map(() => sink.openWriter(t)));
    await Promise.all(
      writers.map(async (writer, w) => {
        for (let b = 0; b < 20; b++) {
          await writer.write(Array.from({ length: 500 }, (_, i) => [w, b * 500 + i]));
        }
        await writer.close();
      }),
    );
    await sink.finalizeTable(t);
    assert.equal(await sink.countRows('t'), 30_000);
    const lines = (await readFile(join(dir, 't.csv'), 'utf8')).trimEnd().split('\n').slice(1);
    for (let start = 0; start < lines.length; start += 500) {
      const owners = new Set(lines.slice(start, start + 500).map((line) => line.split(',')[0]));
      assert.equal(owners.size, 1, 'a batch is written as one piece');
    }
  });

  it('rejects a table name that is not a plain file name, and a path that is a file', async () => {
    const dir = await tempDir('jivs-file-');
    const sink = await openCsvSink({ type: 'csv', path: dir });
    await assert.rejects(sink.prepareTable(table('../evil', [['a', 'text']]), 'create'), InputError);
    await writeFile(join(dir, 'file.csv'), '');
    await assert.rejects(
      openCsvSink({ type: 'csv', path: join(dir, 'file.csv') }),
      /is a file, but a CSV target is a directory/,
    );
  });

  it('refuses skipLines: a written file has no lines to skip', async () => {
    const dir = await tempDir('jivs-file-');
    await assert.rejects(
      openCsvSink({ type: 'csv', path: dir, skipLines: 2 }),
      /skipLines is for reading CSV files; remove it from the target/,
    );
  });

  it('refuses the other options that only reading has, naming each', async () => {
    const dir = await tempDir('jivs-file-');
    await assert.rejects(
      openCsvSink({
        type: 'csv',
        path: dir,
        quote: false,
        trim: 'unquoted',
        raggedRows: 'pad',
        primaryKey: ['id'],
      }),
      (error: unknown) => {
        assert.ok(error instanceof InputError);
        for (const name of ['quote: false', 'trim', 'raggedRows', 'primaryKey']) {
          assert.match(
            error.message,
            new RegExp(`${name} is for reading CSV files; remove it from the target`),
          );
        }
        return true;
      },
    );
  });

  it('writes with a backslash escape that the source reads back', async () => {
    const dir = await tempDir('jivs-file-');
    const endpoint = { type: 'csv' as const, path: join(dir, 'out'), escape: '\\' };
    const names = table('names', [['name', 'text']]);
    const sink = await openCsvSink(endpoint);
    await sink.prepareTable(names, 'create');
    const writer = await sink.openWriter(names);
    await writer.write([['say "hi"'], ['C:\\temp\\'], ['plain']]);
    await writer.close();
    await sink.finalizeTable(names);
    await sink.close();
    const text = await readFile(join(dir, 'out', 'names.csv'), 'utf8');
    assert.equal(text, 'name\n"say \\"hi\\""\nC:\\temp\\\nplain\n');
    const source = await openCsvSource({ ...endpoint, path: join(dir, 'out', 'names.csv') });
    assert.deepEqual(await readRows(source, 'names'), [['say "hi"'], ['C:\\temp\\'], ['plain']]);
  });
});
