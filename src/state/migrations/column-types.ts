/**
 * The few column definitions that differ between the store's backends, so one migration serves both.
 * On SQLite they are what the migrations always wrote, so existing store files and new ones agree.
 */
import type { ColumnDefinitionBuilder } from 'kysely';

export type StoreBackend = 'sqlite' | 'postgres';

export interface ColumnTypes {
  backend: StoreBackend;
  /** A row count or id that may pass 2^31: bigint on PostgreSQL (read back as a number), integer on SQLite. */
  count: 'integer' | 'bigint';
  /** A float: double precision on PostgreSQL (its `real` keeps only 6 digits). */
  real: 'real' | 'double precision';
  /** A flag: boolean on PostgreSQL, integer 0/1 on SQLite. */
  flag: 'integer' | 'boolean';
  /** Makes a `count` column the table's generated id: an identity on PostgreSQL, AUTOINCREMENT on SQLite. */
  generatedId(column: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
}

export function columnTypes(backend: StoreBackend): ColumnTypes {
  return backend === 'postgres'
    ? {
        backend,
        count: 'bigint',
        real: 'double precision',
        flag: 'boolean',
        generatedId: (column) => column.primaryKey().generatedByDefaultAsIdentity(),
      }
    : {
        backend,
        count: 'integer',
        real: 'real',
        flag: 'integer',
        generatedId: (column) => column.primaryKey().autoIncrement(),
      };
}
