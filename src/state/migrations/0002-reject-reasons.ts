import type { Kysely, Migration } from 'kysely';
import type { ColumnTypes } from './column-types.ts';

/** One row per reason of a rejected row, so `jivs rejects` can filter by rule, column and severity. */
export const rejectReasons = (types: ColumnTypes): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('reject_reasons')
      .addColumn('reject_id', types.count, (c) => c.notNull().references('rejects.id').onDelete('cascade'))
      .addColumn('rule', 'text', (c) => c.notNull())
      .addColumn('column_name', 'text')
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('reject_reasons_reject').on('reject_reasons').column('reject_id').execute();
    await db.schema
      .createIndex('reject_reasons_rule')
      .on('reject_reasons')
      .columns(['rule', 'column_name', 'severity'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('reject_reasons').execute();
  },
});
