/**
 * Source.countRows counts what read() would yield for the same bounds, in every source: PostgreSQL,
 * MySQL and SQLite by a key range (open ends included) or the whole table; CSV and JSONL files whole.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { PartitionBounds, Source } from '../../src/connectors/connector.ts';
import { openSource } from '../../src/plan/open-connectors.ts';
import { unconfinedFiles } from '../../src/spec/file-resolver.ts';
import type { EndpointSpec } from '../../src/spec/spec-schema.ts';
import {
  mysqlEndpoint,
  postgresEndpoint,
  sqliteEndpoint,
  type DatabaseEndpoint,
} from '../support/database-endpoints.ts';
import { tempDir } from '../support/temp-dir.ts';

const BOUNDS: [PartitionBounds, number][] = [
  [{ kind: 'whole' }, 10],
  [{ kind: 'key-range', keyColumn: 'id', from: null, to: null }, 10],
  [{ kind: 'key-range', keyColumn: 'id', from: 3, to: 7 }, 4],
  [{ kind: 'key-range', keyColumn: 'id', from: null, to: 3 }, 2],
  [{ kind: 'key-range', keyColumn: 'id', from: 8, to: null }, 3],
  [{ kind: 'key-range', keyColumn: 'id', from: 100, to: 200 }, 0],
];

const dir = await tempDir('jivs-count-rows-');
const endpoints: DatabaseEndpoint[] = [];
after(() => Promise.all(endpoints.map((e) => e.drop())));

async function countAll(source: Source, bounds: PartitionBounds): Promise<[number, number]> {
  const [table] = (await source.introspector.listTables()).filter((t) => t.name === 'things');
  let read = 0;
  for await (const batch of source.read(table!, ['id'], bounds, 3)) read += batch.length;
  return [await source.countRows(table!, bounds), read];
}

for (const kind of ['postgres', 'mysql', 'sqlite'] as const) {
  it(`${kind}: counts a key range or the whole table as read() yields it`, async () => {
    const endpoint =
      kind === 'sqlite'
        ? await sqliteEndpoint(dir)
        : kind === 'postgres'
          ? await postgresEndpoint()
          : await mysqlEndpoint();
    endpoints.push(endpoint);
    await endpoint.exec('CREATE TABLE things (id INTEGER PRIMARY KEY, label VARCHAR(10))');
    const values = Array.from({ length: 10 }, (_, i) => `(${i + 1}, 'x')`).join(', ');
    await endpoint.exec(`INSERT INTO things (id, label) VALUES ${values}`);
    const source = await openSource(endpoint.spec as EndpointSpec, unconfinedFiles(dir), 'source');
    try {
      for (const [bounds, expected] of BOUNDS) {
        assert.deepEqual(await countAll(source, bounds), [expected, expected], JSON.stringify(bounds));
      }
    } finally {
      await source.close();
    }
  });
}

describe('files', () => {
  it('csv and jsonl: count the data rows of the whole file', async () => {
    await writeFile(join(dir, 'things.csv'), 'id,label\n1,"two\nlines"\n2,b\n\n3,c\n');
    await writeFile(join(dir, 'things.jsonl'), '{"id":1}\n\n{"id":2}\n{"id":3}\n{"id":4}\n');
    const csv = await openSource({ type: 'csv', path: 'things.csv' }, unconfinedFiles(dir), 'source');
    const jsonl = await openSource({ type: 'jsonl', path: 'things.jsonl' }, unconfinedFiles(dir), 'source');
    try {
      assert.deepEqual(await countAll(csv, { kind: 'whole' }), [3, 3]);
      assert.deepEqual(await countAll(jsonl, { kind: 'whole' }), [4, 4]);
      const [table] = await csv.introspector.listTables();
      await assert.rejects(
        csv.countRows(table!, { kind: 'key-range', keyColumn: 'id', from: 1, to: 2 }),
        /file sources read whole files/,
      );
    } finally {
      await Promise.all([csv.close(), jsonl.close()]);
    }
  });
});
