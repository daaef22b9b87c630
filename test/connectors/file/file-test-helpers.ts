/** Helpers shared by the file connector tests: reading whole tables, and watching open files. */
import { readdir, readlink, realpath } from 'node:fs/promises';
import type { Row, RowBatch, Source, TableSchema } from '../../../src/connectors/connector.ts';

/** The schema of one table of a source. */
export async function tableOf(source: Source, name: string): Promise<TableSchema> {
  const table = (await source.introspector.listTables()).find((candidate) => candidate.name === name);
  if (!table) throw new Error(`no table ${name}`);
  return table;
}

/** Every batch of a table, all columns unless `columns` is given. */
export async function readBatches(
  source: Source,
  name: string,
  options: { columns?: string[]; batchSize?: number } = {},
): Promise<RowBatch[]> {
  const table = await tableOf(source, name);
  const columns = options.columns ?? table.columns.map((column) => column.name);
  const batches: RowBatch[] = [];
  for await (const batch of source.read(table, columns, { kind: 'whole' }, options.batchSize ?? 1000)) {
    batches.push(batch);
  }
  return batches;
}

/** Every row of a table. */
export async function readRows(source: Source, name: string, columns?: string[]): Promise<Row[]> {
  return (await readBatches(source, name, columns ? { columns } : {})).flat();
}

/** True while this process holds a file descriptor open on `file` (Linux /proc). */
export async function isFileOpen(file: string): Promise<boolean> {
  const path = await realpath(file);
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target === path) return true;
  }
  return false;
}

/** Waits until `condition` holds, polling, or fails after `timeoutMs`. */
export async function waitFor(
  condition: () => Promise<boolean>,
  what: string,
  timeoutMs = 2000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
