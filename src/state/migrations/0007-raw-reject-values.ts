import type { Kysely, Migration } from 'kysely';

/**
 * Rejected rows keep masked columns masked in `values_json`; `raw_values_json` holds their raw values
 * only for a table with `quarantine: raw` (null otherwise), for engineers and admins.
 */
export const rawRejectValues = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('rejects').addColumn('raw_values_json', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('rejects').dropColumn('raw_values_json').execute();
  },
});
