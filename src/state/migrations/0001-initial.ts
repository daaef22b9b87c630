import type { Kysely, Migration } from 'kysely';
import type { ColumnTypes } from './column-types.ts';

/** Runs, their phase timings, per-partition progress and rejected rows. */
export const initial = (types: ColumnTypes): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('spec_name', 'text', (c) => c.notNull())
      .addColumn('spec_file', 'text', (c) => c.notNull())
      .addColumn('spec_hash', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .addColumn('error', 'text')
      .addColumn('report_json', 'text')
      .execute();
    await db.schema.createIndex('runs_spec_hash').on('runs').columns(['spec_hash', 'started_at']).execute();
    await db.schema
      .createTable('phase_timings')
      .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
      .addColumn('phase', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text', (c) => c.notNull())
      .addColumn('duration_ms', types.real, (c) => c.notNull())
      .addColumn('busy_ms', types.real)
      .addPrimaryKeyConstraint('phase_timings_pk', ['run_id', 'phase'])
      .execute();
    await db.schema
      .createTable('partitions')
      .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
      .addColumn('table_name', 'text', (c) => c.notNull())
      .addColumn('partition_index', 'integer', (c) => c.notNull())
      .addColumn('bounds_json', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('extracted', types.count, (c) => c.notNull().defaultTo(0))
      .addColumn('loaded', types.count, (c) => c.notNull().defaultTo(0))
      .addColumn('rejected', types.count, (c) => c.notNull().defaultTo(0))
      .addColumn('filtered', types.count, (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('partitions_pk', ['run_id', 'table_name', 'partition_index'])
      .execute();
    await db.schema
      .createTable('rejects')
      .addColumn('id', types.count, types.generatedId)
      .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
      .addColumn('table_name', 'text', (c) => c.notNull())
      .addColumn('partition_index', 'integer', (c) => c.notNull())
      .addColumn('row_key', 'text', (c) => c.notNull())
      .addColumn('values_json', 'text', (c) => c.notNull())
      .addColumn('reasons_json', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('rejects_run_table')
      .on('rejects')
      .columns(['run_id', 'table_name'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['rejects', 'partitions', 'phase_timings', 'runs'])
      await db.schema.dropTable(table).execute();
  },
});
