import type { Kysely, Migration } from 'kysely';

/**
 * What resuming a run needs: the process that owns a run and how often it was started, the rows each
 * target table held when it was prepared (null until Planning prepared them), a control request from
 * another process (`pause`), the owner and attempt of each partition, and the batch of each rejected
 * row (rows of batches after a partition's last checkpoint are taken back before it continues).
 */
export const resumableRuns = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('runs').addColumn('owner', 'text').execute();
    await db.schema
      .alterTable('runs')
      .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema.alterTable('runs').addColumn('prepared_json', 'text').execute();
    await db.schema.alterTable('runs').addColumn('control', 'text').execute();
    await db.schema.alterTable('partitions').addColumn('owner', 'text').execute();
    await db.schema
      .alterTable('partitions')
      .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('rejects')
      .addColumn('batch', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex('rejects_partition_batch')
      .on('rejects')
      .columns(['run_id', 'table_name', 'partition_index', 'batch'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('rejects_partition_batch').execute();
    await db.schema.alterTable('rejects').dropColumn('batch').execute();
    for (const column of ['owner', 'attempt'])
      await db.schema.alterTable('partitions').dropColumn(column).execute();
    for (const column of ['owner', 'attempt', 'prepared_json', 'control'])
      await db.schema.alterTable('runs').dropColumn(column).execute();
  },
});
