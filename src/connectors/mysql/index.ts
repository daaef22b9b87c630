/**
 * The MySQL/MariaDB connector: a source (streaming reads) and a target (batched INSERTs), and what
 * planning asks of the dialect (target names, types, DDL, defaults).
 */
export { openMysqlSource } from './mysql-source.ts';
export { openMysqlSink } from './mysql-sink.ts';
export { shortenMysqlIdentifier, mysqlTableDdl } from './mysql-ddl.ts';
export { mysqlDefaultClause } from './mysql-defaults.ts';
export { logicalToMysql } from './mysql-types.ts';
