/** Opens the connector an endpoint spec names. The only place that knows every connector. */
import { InputError } from '../core/errors.ts';
import type { EndpointSpec } from '../spec/spec-schema.ts';
import { resolveEndpointReferences, resolveEnvReferences } from '../spec/env-references.ts';
import type { FileResolver } from '../spec/file-resolver.ts';
import type { ColumnSchema, Sink, Source, TableDdl, TableSchema } from '../connectors/connector.ts';
import { openCsvSink, openCsvSource, openJsonlSink, openJsonlSource } from '../connectors/file/index.ts';
import { invalidTextPolicy } from '../connectors/invalid-text.ts';
import {
  logicalToMysql,
  mysqlDefaultClause,
  mysqlTableDdl,
  openMysqlSink,
  openMysqlSource,
  shortenMysqlIdentifier,
} from '../connectors/mysql/index.ts';
import {
  openPostgresSink,
  openPostgresSource,
  postgresDefault,
  postgresTableDdl,
  shortenPostgresIdentifier,
} from '../connectors/postgres/index.ts';
import { openSqliteSink, openSqliteSource, sqliteTableDdl } from '../connectors/sqlite/index.ts';

/**
 * Resolves environment references in every string field; a file path goes through the spec's
 * {@link FileResolver} and becomes its checked real path. The result holds secrets: pass it to a
 * connector, never to a log or report.
 */
export function resolveEndpoint<T extends EndpointSpec>(
  endpoint: T,
  files: FileResolver,
  specPath: string,
): T {
  const resolved = resolveEndpointReferences(endpoint, specPath);
  if (!('path' in resolved)) return resolved;
  return { ...resolved, path: files.resolve(resolved.path, `${specPath}.path`) };
}

/**
 * The endpoint as written in the spec, for reports and messages: `sqlite ./legacy.db`,
 * `postgres app@db.example:5432/erp`. Environment references stay unresolved and no password appears.
 */
export function describeEndpoint(endpoint: EndpointSpec): string {
  if ('path' in endpoint) return `${endpoint.type} ${endpoint.path}`;
  const user = endpoint.user === undefined ? '' : `${endpoint.user}@`;
  return `${endpoint.type} ${user}${endpoint.host ?? '127.0.0.1'}:${endpoint.port ?? ''}/${endpoint.database}`;
}

/**
 * How a target of `type` names an identifier it is given: PostgreSQL keeps 63 bytes and MySQL 64
 * characters (longer names get a prefix and a hash); SQLite and files keep every name. The plan gives
 * each table and column its final name with this, so that every phase uses the same names.
 */
export function targetIdentifier(type: EndpointSpec['type']): (name: string) => string {
  switch (type) {
    case 'postgres':
      return shortenPostgresIdentifier;
    case 'mysql':
      return shortenMysqlIdentifier;
    default:
      return (name) => name;
  }
}

/**
 * Why a target of `type` cannot give the column its portable default (`column.defaultValue`), in words
 * that follow "the <type> target", or null when it can. SQLite takes every portable default.
 */
export function targetDefaultProblem(type: EndpointSpec['type'], column: ColumnSchema): string | null {
  switch (type) {
    case 'postgres':
      return postgresDefault(column) === null ? 'has no default of this form for the column' : null;
    case 'mysql':
      return mysqlDefaultClause(column, logicalToMysql(column.type)) === ''
        ? 'has no default of this form for the column'
        : null;
    default:
      return null;
  }
}

/**
 * What the target's sink runs for a table (see {@link TableDdl}), built by the functions the sink uses;
 * null for file targets, which have no DDL. Needs no connection: the plan has checked the defaults.
 */
export function targetDdl(endpoint: EndpointSpec): ((table: TableSchema) => TableDdl) | null {
  switch (endpoint.type) {
    case 'postgres': {
      const schema = resolveEnvReferences(endpoint.schema ?? 'public', 'target.schema');
      return (table) => postgresTableDdl(schema, table, endpoint.enums ?? 'check');
    }
    case 'mysql':
      return mysqlTableDdl;
    case 'sqlite':
      return sqliteTableDdl;
    default:
      return null;
  }
}

export async function openSource(
  endpoint: EndpointSpec,
  files: FileResolver,
  specPath: string,
): Promise<Source> {
  const resolved = resolveEndpoint(endpoint, files, specPath);
  const checkFile = files.checkerFor(`${specPath}.path`);
  const name = describeEndpoint(endpoint);
  switch (resolved.type) {
    case 'sqlite':
      return openSqliteSource(resolved.path, invalidTextPolicy(resolved));
    case 'csv':
      return openCsvSource(resolved, checkFile);
    case 'jsonl':
      return openJsonlSource(resolved, checkFile);
    case 'postgres':
      return openPostgresSource(resolved, name);
    case 'mysql':
      return openMysqlSource(resolved, name);
  }
}

/**
 * The target opened as a Source, to read what it holds (verification, planning against existing
 * tables); a problem opening it is named as the target's (not the source's).
 */
export async function openTargetAsSource(endpoint: EndpointSpec, files: FileResolver): Promise<Source> {
  try {
    return await openSource(endpoint, files, 'target');
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const problems = error.problems.map((p) => ({ ...p, path: p.path.replace(/^source\b/, 'target') }));
    throw new InputError(problems, { cause: error });
  }
}

export async function openSink(endpoint: EndpointSpec, files: FileResolver, specPath: string): Promise<Sink> {
  const resolved = resolveEndpoint(endpoint, files, specPath);
  const checkFile = files.checkerFor(`${specPath}.path`);
  const name = describeEndpoint(endpoint);
  switch (resolved.type) {
    case 'sqlite':
      return openSqliteSink(resolved.path);
    case 'csv':
      return openCsvSink(resolved, checkFile);
    case 'jsonl':
      return openJsonlSink(resolved, checkFile);
    case 'postgres':
      return openPostgresSink(resolved, name);
    case 'mysql':
      return openMysqlSink(resolved, name);
  }
}
