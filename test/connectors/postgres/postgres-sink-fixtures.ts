/**
 * What the PostgresSink tests (postgres-sink-*.test.ts) share: the table PEOPLE, and a sink on a schema
 * of its own per test file, dropped again at the end.
 */
import type { Sink } from '../../../src/connectors/connector.ts';
import { openPostgresSink } from '../../../src/connectors/postgres/index.ts';
import { createTestSchema, postgresEndpoint, type TestSchema } from './postgres-test-schema.ts';
import { postgresDescription } from '../../support/databases.ts';
import { column, tableSchema } from '../../support/table-schema.ts';

export const PEOPLE = tableSchema(
  'people',
  [
    column('id', { kind: 'bigint' }, { nullable: false }),
    column('name', { kind: 'text', length: 40 }, { nullable: false, defaultValue: "'anonymous'" }),
    column('score', { kind: 'decimal', precision: 12, scale: 2 }, { defaultValue: '0' }),
    column('active', { kind: 'boolean' }, { defaultValue: '1' }),
    column('created', { kind: 'timestamp' }, { defaultValue: 'CURRENT_TIMESTAMP' }),
    column('born', { kind: 'date' }, { defaultValue: "'0000-00-00'" }),
    column('wakes', { kind: 'date' }, { defaultValue: 'CURRENT_TIME' }),
  ],
  { primaryKey: ['id'] },
);

export interface SinkSchema {
  schema: TestSchema;
  sink: Sink;
}

/** A new schema and a PostgresSink writing into it; close both with {@link closeSinkSchema} in after(). */
export async function openSinkSchema(): Promise<SinkSchema> {
  const schema = await createTestSchema('jivs_sink');
  const sink = await openPostgresSink(postgresEndpoint(schema.name), postgresDescription());
  return { schema, sink };
}

export async function closeSinkSchema({ schema, sink }: SinkSchema): Promise<void> {
  await sink.close();
  await schema.drop();
}

/** The columns of `table` as PostgreSQL created them: name, type, NOT NULL and default. */
export function columnsIn(schema: TestSchema, table: string) {
  return schema.sql<{ name: string; type: string; not_null: boolean; default: string | null }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
            pg_get_expr(d.adbin, d.adrelid) AS default
       FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [`"${schema.name}"."${table}"`],
  );
}
