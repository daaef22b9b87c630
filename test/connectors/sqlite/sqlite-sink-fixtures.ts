/**
 * What the SqliteSink tests (sqlite-sink-*.test.ts) share: a sink on a new target file, the table PEOPLE,
 * and looks at the target file from a second connection.
 */
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import Database from 'better-sqlite3';
import type { Sink } from '../../../src/connectors/connector.ts';
import { openSqliteSink } from '../../../src/connectors/sqlite/sqlite-sink.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { column, tableSchema } from '../../support/table-schema.ts';

export interface Target {
  sink: Sink;
  /** A second connection to the target file, for looking at what the sink did. */
  db: Database.Database;
}

/** A sink on a new file in a nested, not yet existing directory; closed and removed after the test. */
export async function openTarget(t: TestContext): Promise<Target> {
  const dir = await tempDir('jivs-sqlite-sink-');
  const path = join(dir, 'nested', 'deeper', 'target.db');
  const sink = await openSqliteSink(path);
  const db = new Database(path);
  db.defaultSafeIntegers(true);
  t.after(async () => {
    db.close();
    await sink.close();
  });
  return { sink, db };
}

export const PEOPLE = tableSchema(
  'people',
  [
    column('id', { kind: 'bigint' }, { nullable: false }),
    column('name', { kind: 'text', length: 40 }, { nullable: false, defaultValue: "'anonymous'" }),
    column('score', { kind: 'decimal', precision: 12, scale: 2 }, { defaultValue: '0' }),
    column('active', { kind: 'boolean' }, { defaultValue: 'TRUE' }),
    column('created', { kind: 'timestamp' }, { defaultValue: 'CURRENT_TIMESTAMP' }),
    column('photo', { kind: 'binary' }),
  ],
  { primaryKey: ['id'] },
);

export interface ColumnInfo {
  name: string;
  type: string;
  notnull: bigint;
  dflt_value: string | null;
  pk: bigint;
}

export function columnInfo(db: Database.Database, table: string): ColumnInfo[] {
  return db.prepare(`PRAGMA table_info("${table}")`).all() as ColumnInfo[];
}

export function count(db: Database.Database, table: string): number {
  return Number(db.prepare(`SELECT COUNT(*) FROM "${table}"`).pluck().get());
}

export async function loadPeople(sink: Sink, ids: number[]): Promise<void> {
  const writer = await sink.openWriter(PEOPLE);
  await writer.write(ids.map((id) => [id, `p${id}`, '1.50', true, '2024-01-02 03:04:05', null]));
  await writer.close();
}
