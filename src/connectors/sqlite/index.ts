/** The SQLite connector: a database file as a source or as a target. */
export { openSqliteSource } from './sqlite-source.ts';
export { openSqliteSink } from './sqlite-sink.ts';
