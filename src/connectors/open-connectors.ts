/** Opens the connector an endpoint spec names. The only place that knows every connector. */
import { isAbsolute, resolve } from 'node:path';
import type { EndpointSpec } from '../spec/spec-schema.ts';
import { resolveEndpointReferences } from '../spec/env-references.ts';
import type { Sink, Source } from './connector.ts';
import { openCsvSink, openCsvSource, openJsonlSink, openJsonlSource } from './file/index.ts';
import { openSqliteSink } from './sqlite/sqlite-sink.ts';
import { openSqliteSource } from './sqlite/sqlite-source.ts';

/** Resolves environment references and makes `path` absolute against the spec's directory. */
export function resolveEndpoint<T extends EndpointSpec>(endpoint: T, baseDir: string, specPath: string): T {
  const resolved = resolveEndpointReferences(endpoint, specPath);
  return { ...resolved, path: isAbsolute(resolved.path) ? resolved.path : resolve(baseDir, resolved.path) };
}

export async function openSource(endpoint: EndpointSpec, baseDir: string, specPath: string): Promise<Source> {
  const resolved = resolveEndpoint(endpoint, baseDir, specPath);
  switch (resolved.type) {
    case 'sqlite':
      return openSqliteSource(resolved.path);
    case 'csv':
      return openCsvSource(resolved);
    case 'jsonl':
      return openJsonlSource(resolved);
  }
}

export async function openSink(endpoint: EndpointSpec, baseDir: string, specPath: string): Promise<Sink> {
  const resolved = resolveEndpoint(endpoint, baseDir, specPath);
  switch (resolved.type) {
    case 'sqlite':
      return openSqliteSink(resolved.path);
    case 'csv':
      return openCsvSink(resolved);
    case 'jsonl':
      return openJsonlSink(resolved);
  }
}
