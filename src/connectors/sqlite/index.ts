/** The SQLite connector: a database file as a source or as a target, and its table DDL for planning. */
export { openSqliteSource } from './sqlite-source.ts';
export { openSqliteSink } from './sqlite-sink.ts';
export { sqliteTableDdl } from './sqlite-ddl.ts';
