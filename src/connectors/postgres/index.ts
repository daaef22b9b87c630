/**
 * The PostgreSQL connector: a source (cursor reads) and a target (COPY loads), and what planning asks
 * of the dialect (target names, DDL, defaults).
 */
export { openPostgresSink } from './postgres-sink.ts';
export { openPostgresSource } from './postgres-source.ts';
export { shortenPostgresIdentifier } from './postgres-identifiers.ts';
export { postgresTableDdl } from './postgres-ddl.ts';
export { postgresDefault } from './postgres-defaults.ts';
