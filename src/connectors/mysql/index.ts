/** The MySQL/MariaDB connector: a streaming source with introspection, and a bulk-loading target. */
export { openMysqlSource } from './mysql-source.ts';
export { openMysqlSink } from './mysql-sink.ts';
