/**
 * The required case: a clean MariaDB → PostgreSQL migration of a table in several partitions, then 3
 * target rows changed, 2 deleted and 2 inserted with new keys. Verification finds exactly those 7 keys
 * with the right kinds, by halving the differing key ranges (each partition holds far more rows than
 * the 2 × batchSize a range is diffed at), both from digests recorded before the damage and recomputed
 * from the source; and `jivs verify` says so with exit code 1 (0 on the untouched target).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PartitionBounds, RowBatch, Source } from '../../src/connectors/connector.ts';
import { openSource } from '../../src/plan/open-connectors.ts';
import { compileTablePrograms, type CompiledTable } from '../../src/engine/compile-programs.ts';
import { planMigration } from '../../src/plan/plan.ts';
import type { TablePlan } from '../../src/plan/plan-types.ts';
import { InputError } from '../../src/core/errors.ts';
import { KeyIndex } from '../../src/rules/key-index.ts';
import { loadSpec } from '../../src/plan/load-spec.ts';
import type { StateStore } from '../../src/state/state-store.ts';
import { ContentDigest, createBatchDigester } from '../../src/verify/content-digest.ts';
import { meantRowReader } from '../../src/engine/meant-rows.ts';
import { verifySpec } from '../../src/engine/verify-spec.ts';
import { verifyTableContent, type ContentVerification } from '../../src/verify/verify-table-content.ts';
import { describeResult, parseJson, runJivs } from '../cli/run-jivs.ts';
import { mysqlEndpoint, postgresEndpoint, type DatabaseEndpoint } from '../support/database-endpoints.ts';
import { runSpec } from '../support/run-spec.ts';
import { tempDir } from '../support/temp-dir.ts';

const ROWS = 4000;
const BATCH = 50;

/** Even keys 2 … 8000, so odd keys are free for inserted rows inside the key span. */
function sourceRows(): string {
  const values: string[] = [];
  for (let i = 1; i <= ROWS; i++) {
    const day = String((i % 28) + 1).padStart(2, '0');
    values.push(
      `(${2 * i}, 'customer ${i % 97} ü', ${(i * 7) % 1000}.${String(i % 100).padStart(2, '0')}, '2024-02-${day} 10:00:0${i % 10}')`,
    );
  }
  return `INSERT INTO orders (id, customer, amount, placed) VALUES ${values.join(',\n')}`;
}

const DAMAGE = `UPDATE orders SET amount = amount + 1 WHERE id IN (100, 3000);
  UPDATE orders SET customer = 'someone else' WHERE id = 7998;
  DELETE FROM orders WHERE id IN (2, 5000);
  INSERT INTO orders (id, customer, amount, placed) VALUES (7, 'new', 1.00, '2024-01-01 00:00:00'),
    (9001, 'new', 2.00, '2024-01-01 00:00:00');`;

/** What changed in the changed rows, as `jivs verify` shows it (values normalised as compared). */
const CHANGES: Record<string, { column: string; meant: string; target: string }[]> = {
  '[100]': [{ column: 'amount', meant: '350.5', target: '351.5' }],
  '[3000]': [{ column: 'amount', meant: '500', target: '501' }],
  '[7998]': [{ column: 'customer', meant: 'customer 22 ü', target: 'someone else' }],
};

/** The differences with the changed columns' values (`jivs verify`), or their names only (a run's report). */
function expected(values: boolean) {
  return [
    { key: '[2]', kind: 'missing' },
    { key: '[7]', kind: 'extra' },
    { key: '[100]', kind: 'changed' },
    { key: '[3000]', kind: 'changed' },
    { key: '[5000]', kind: 'missing' },
    { key: '[7998]', kind: 'changed' },
    { key: '[9001]', kind: 'extra' },
  ].map((d) =>
    d.kind === 'changed'
      ? { ...d, columns: CHANGES[d.key]!.map((c) => (values ? c : { column: c.column })) }
      : d,
  );
}

const EXPECTED = expected(false);

/** A source that records the bounds of every read. */
function recording(source: Source, reads: PartitionBounds[]): Source {
  return {
    introspector: source.introspector,
    read(table, columns, bounds, batchSize) {
      reads.push(bounds);
      return source.read(table, columns, bounds, batchSize);
    },
    countRows: (table, bounds) => source.countRows(table, bounds),
    close: () => source.close(),
  };
}

describe('content verification narrows differing key ranges down to the keys', () => {
  let dir: string;
  let file: string;
  let sourceDb: DatabaseEndpoint;
  let targetDb: DatabaseEndpoint;
  let store: StateStore;
  let source: Source;
  let target: Source;
  let plan: TablePlan;
  let compiled: CompiledTable;
  const keyIndex = new KeyIndex(':memory:');
  /** Digests of the clean target, per partition: what a run records for what it loaded. */
  let recorded: ContentDigest[];

  before(async () => {
    dir = await tempDir('jivs-verify-bisect-');
    sourceDb = await mysqlEndpoint();
    targetDb = await postgresEndpoint();
    await sourceDb.exec(`CREATE TABLE orders (id INT PRIMARY KEY, customer VARCHAR(40) NOT NULL,
      amount DECIMAL(10,2), placed DATETIME NOT NULL) ENGINE=InnoDB`);
    await sourceDb.exec(sourceRows());
    const run = await runSpec(dir, {
      source: sourceDb.spec,
      target: targetDb.spec,
      tables: [{ name: 'orders' }],
      partitionRows: 1000,
      batchSize: BATCH,
    });
    store = run.store;
    file = run.file;
    assert.equal(run.report.status, 'succeeded', run.report.error ?? '');
    assert.equal(run.report.totals.loaded, ROWS);

    const loaded = await loadSpec(file);
    source = await openSource(loaded.spec.source, loaded.files, 'source');
    target = await openSource(loaded.spec.target, loaded.files, 'target');
    plan = (await planMigration(loaded.spec, source, loaded.files)).tables[0]!;
    compiled = (await compileTablePrograms([plan], source, keyIndex, null)).compiled.get('orders')!;
    assert.ok(plan.partitions.length >= 3, `${plan.partitions.length} partitions`);
  });

  after(async () => {
    await Promise.allSettled([source?.close(), target?.close(), store?.close()]);
    keyIndex.close();
    await Promise.allSettled([sourceDb?.drop(), targetDb?.drop()]);
  });

  /** The meant rows of the table, read from `from` (nothing rejected). */
  function meantRows(from: Source) {
    return meantRowReader({ plan, compiled, source: from, isExcluded: () => false, batchSize: BATCH });
  }

  function verify(job: {
    expected?: (ContentDigest | null)[];
    source?: Source;
  }): Promise<ContentVerification> {
    return verifyTableContent({
      plan,
      meantRows: () => meantRows(job.source ?? source),
      target,
      expected: job.expected ?? plan.partitions.map(() => null),
      batchSize: BATCH,
    });
  }

  it('jivs verify: exit 0 on the untouched target', async () => {
    const result = await runJivs(['verify', file], { cwd: dir });
    assert.equal(result.code, 0, describeResult(result));
    assert.match(result.stdout, /The target holds what the spec means to load\./);
  });

  it('finds the 7 damaged keys with their kinds, by halving ranges, from recorded digests', async () => {
    const digest = createBatchDigester(plan.target.columns);
    recorded = [];
    for (const partition of plan.partitions) {
      const into = new ContentDigest();
      const bounds = partition.bounds as Extract<PartitionBounds, { kind: 'key-range' }>;
      for await (const batch of target.read(
        plan.target,
        ['id', 'customer', 'amount', 'placed'],
        bounds,
        BATCH,
      )) {
        digest(batch as RowBatch, into);
      }
      recorded.push(into);
    }
    const clean = await verify({ expected: recorded });
    assert.equal(clean.differencesTotal, 0);
    assert.equal(clean.meantRows, ROWS);

    await targetDb.exec(DAMAGE);
    const reads: PartitionBounds[] = [];
    const result = await verify({ expected: recorded, source: recording(source, reads) });
    assert.deepEqual(result.differences, EXPECTED);
    assert.equal(result.differencesTotal, 7);
    assert.equal(result.ranges, plan.partitions.length);
    assert.equal(result.targetRows, ROWS);
    assert.equal(result.meantRows, ROWS);
    const partitionWidth = Math.min(
      ...plan.partitions.map((p) =>
        p.bounds.kind === 'key-range' && p.bounds.to !== null && p.bounds.from !== null
          ? p.bounds.to - p.bounds.from
          : Infinity,
      ),
    );
    const narrow = reads.filter(
      (b) => b.kind === 'key-range' && b.from !== null && b.to !== null && b.to - b.from < partitionWidth / 4,
    );
    assert.ok(
      narrow.length > 0,
      `the source was read in ranges narrower than a partition: ${JSON.stringify(reads)}`,
    );
  });

  it('finds the same keys when the meant side is recomputed from the source', async () => {
    const result = await verify({});
    assert.deepEqual(result.differences, EXPECTED);
    assert.equal(
      result.rangesDiffering,
      new Set(EXPECTED.map((d) => partitionOf(JSON.parse(d.key)[0]))).size,
    );
  });

  it('lists no more than asked, but counts them all', async () => {
    const result = await verifyTableContent({
      plan,
      meantRows: () => meantRows(source),
      target,
      expected: recorded,
      batchSize: BATCH,
      maxListedDifferences: 2,
    });
    assert.deepEqual(result.differences, EXPECTED.slice(0, 2));
    assert.equal(result.differencesTotal, 7);
  });

  it('jivs verify: exit 1, listing the keys (text and JSON)', async () => {
    const text = await runJivs(['verify', file], { cwd: dir });
    assert.equal(text.code, 1, describeResult(text));
    assert.match(text.stdout, /orders: 7 row\(s\) differ/);
    for (const { key, kind } of EXPECTED) {
      assert.match(text.stdout, new RegExp(`^ {2}${kind} +${key.replace(/[[\]]/g, '\\$&')}$`, 'm'));
    }
    assert.match(text.stdout, /Differences found\./);
    const json = await runJivs(['verify', file, '--json', '--tables', 'orders'], { cwd: dir });
    assert.equal(json.code, 1, describeResult(json));
    const parsed = parseJson<{ matches: boolean; tables: ContentVerification[] }>(json);
    assert.equal(parsed.matches, false);
    assert.deepEqual(parsed.tables[0]!.differences, expected(true));
  });

  it('lists every row of a range the target lost entirely, without holding them all', async () => {
    await targetDb.exec('DELETE FROM orders WHERE id > 6000');
    const result = await verify({ expected: recorded });
    const lost = Array.from({ length: 1000 }, (_, i) => ({ key: `[${6002 + 2 * i}]`, kind: 'missing' }));
    const expected = [...EXPECTED.filter((d) => JSON.parse(d.key)[0] <= 6000), ...lost];
    assert.equal(result.differencesTotal, expected.length);
    assert.deepEqual(result.differences, expected.slice(0, 100));
    assert.equal(result.targetRows, ROWS - 1000 - 1);
  });

  it('bad input: an unknown table; a target table that does not exist (jivs verify: exit code 2)', async () => {
    await assert.rejects(
      verifySpec(await loadSpec(file), { tables: ['ordres'] }),
      (error: InputError) =>
        error instanceof InputError &&
        /--tables: the spec migrates no table "ordres"\. Did you mean "orders"\?/.test(error.message),
    );
    await targetDb.exec('DROP TABLE orders');
    const missing = await runJivs(['verify', file], { cwd: dir });
    assert.equal(missing.code, 2, describeResult(missing));
    assert.match(
      missing.stderr,
      /target: the target \(postgres .*\) has no table "orders" \(from source table "orders"\)/,
    );
  });

  function partitionOf(key: number): number {
    return plan.partitions.findIndex(
      (p) =>
        p.bounds.kind === 'key-range' &&
        (p.bounds.from ?? -Infinity) <= key &&
        key < (p.bounds.to ?? Infinity),
    );
  }
});
