/** The PostgreSQL connector: a source (cursor reads) and a target (COPY loads). */
export { openPostgresSink } from './postgres-sink.ts';
export { openPostgresSource } from './postgres-source.ts';
