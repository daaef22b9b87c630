/**
 * A `unique` rule on the partition key of a table read in disjoint key ranges, in key order, is checked
 * within each partition (rules/unique-proof.ts) instead of through the on-disk key index. Planning only
 * partitions a database table by a single integer primary key, which then proves the rule outright; so
 * these tests take a MariaDB table WITHOUT a primary key and give its plan key-range partitions by hand,
 * then run the partitions' pipelines against the real server: the rejections, reasons and quality counts
 * must be those of the key index, and stay so after a stop mid-partition and a resume.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RowBatch, Source } from '../../src/connectors/connector.ts';
import {
  initialCheckpoint,
  remainingBounds,
  type PartitionCheckpoint,
} from '../../src/engine/checkpoints.ts';
import { compileTablePrograms } from '../../src/engine/compile-programs.ts';
import { claimLoadedKeys } from '../../src/engine/replay-unique-keys.ts';
import { compileTransform } from '../../src/engine/transform.ts';
import { compileValidator } from '../../src/engine/validate.ts';
import { runPartitionPipeline } from '../../src/engine/partition-pipeline.ts';
import { PhaseClock } from '../../src/engine/phase-clock.ts';
import { formatPlan } from '../../src/cli/plan-command.ts';
import { loadSpec, type LoadedSpec } from '../../src/plan/load-spec.ts';
import { openSource } from '../../src/plan/open-connectors.ts';
import { planMigration } from '../../src/plan/plan.ts';
import type { TablePlan } from '../../src/plan/plan-types.ts';
import { KeyIndex } from '../../src/rules/key-index.ts';
import type { TallyState } from '../../src/rules/quality.ts';
import type { Severity } from '../../src/spec/rules-schema.ts';
import type { RejectReason } from '../../src/state/run-types.ts';
import { mysqlEndpoint, postgresEndpoint, type DatabaseEndpoint } from '../support/database-endpoints.ts';
import { writeSpec } from '../support/run-spec.ts';
import { compiledTable, tablePlan } from '../support/table-plan.ts';
import { tempDir } from '../support/temp-dir.ts';

/** Rows in key order: duplicates of the key within batches, across batch boundaries, and after "bad" rows. */
const ROWS: [number, string][] = [
  ...[1, 2, 2, 2, 3, 4, 5, 5, 6, 7, 8, 9, 9].map((id): [number, string] => [id, 'a']),
  [7, 'bad'],
  ...[10, 10, 11, 12, 13, 13, 14, 15, 16, 16, 17, 18, 19].map((id): [number, string] => [id, 'a']),
  ...[20, 21, 21, 21, 23, 23].map((id): [number, string] => [id, 'a']),
  [22, 'bad'],
];
const BATCH = 3;

interface Outcome {
  loaded: number[];
  rejects: { key: string; reasons: RejectReason[] }[];
  quality: (TallyState | null)[];
  counts: PartitionCheckpoint['counts'][];
  /** Values claimed in the key index file. */
  claims: number;
}

describe('unique rule on the partition key, checked within each partition (MariaDB source without a primary key)', () => {
  let dir: string;
  let sourceDb: DatabaseEndpoint;
  let targetDb: DatabaseEndpoint;
  let source: Source;
  let plan: TablePlan;
  let loaded: LoadedSpec;
  let runs = 0;

  before(async () => {
    dir = await tempDir('jivs-unique-partition-');
    sourceDb = await mysqlEndpoint();
    targetDb = await postgresEndpoint();
    await sourceDb.exec(
      'CREATE TABLE items (id INT NOT NULL, name VARCHAR(20) NOT NULL, KEY (id)) ENGINE=InnoDB',
    );
    await sourceDb.exec(
      `INSERT INTO items (id, name) VALUES ${ROWS.map(([id, name]) => `(${id}, '${name}')`).join(', ')}`,
    );
    const file = await writeSpec(dir, {
      source: sourceDb.spec,
      target: targetDb.spec,
      tables: [
        {
          name: 'items',
          rules: [
            { unique: ['id'], severity: 'critical' },
            { check: 'name != "bad"', name: 'not-bad' },
          ],
        },
      ],
      batchSize: BATCH,
    });
    loaded = await loadSpec(file);
    source = await openSource(loaded.spec.source, loaded.files, 'source');
    plan = (await planMigration(loaded.spec, source, loaded.files)).tables[0]!;
    assert.deepEqual(plan.source.primaryKey, []);
    // What planning would do for a key-range table: disjoint ranges of id, the first and last open.
    plan.partitions = [
      [null, 10],
      [10, 20],
      [20, null],
    ].map(([from, to], index) => ({
      index,
      bounds: { kind: 'key-range', keyColumn: 'id', from: from!, to: to! },
    }));
  });

  after(async () => {
    await source?.close();
    await Promise.allSettled([sourceDb?.drop(), targetDb?.drop()]);
  });

  /**
   * Runs every partition of the plan through its pipeline, with the rules kept as planned or (`keyIndex`)
   * all through the key index, as before; `stop` stops a partition after a batch and resumes it from
   * that checkpoint, as run-partition.ts does.
   */
  async function runPartitions(
    options: { keyIndex?: boolean; stop?: { partition: number; afterBatch: number } } = {},
  ): Promise<Outcome> {
    const path = join(dir, `keys-${++runs}.db`);
    const keyIndex = new KeyIndex(path);
    const compiled = (await compileTablePrograms([plan], source, keyIndex, null)).compiled.get('items')!;
    const check = compiled.program.unique[0]!;
    if (options.keyIndex) check.strategy = { kind: 'key-index' };
    else assert.deepEqual(check.strategy, { kind: 'in-partition', keyColumn: 'id' });
    const outcome: Outcome = { loaded: [], rejects: [], quality: [], counts: [], claims: 0 };
    try {
      for (const { index, bounds } of plan.partitions) {
        const keyPart = keyIndex.part(`items#${index}`);
        const batches = new Map<number, { accepted: RowBatch; rejects: Outcome['rejects'] }>();
        let start = initialCheckpoint('test:1', 1);
        let committed: PartitionCheckpoint = start;
        const stopAfter = options.stop?.partition === index ? options.stop.afterBatch : undefined;
        let final: PartitionCheckpoint | null = null;
        for (let attempt = 1; attempt <= 2 && !final; attempt++) {
          if (attempt > 1) {
            start = committed;
            keyIndex.releaseAfter(keyPart, start.batches);
          }
          const abort = new AbortController();
          final = await runPartitionPipeline({
            source,
            plan,
            partition: index,
            bounds: remainingBounds(bounds, start),
            start,
            batchSize: BATCH,
            clock: new PhaseClock(),
            program: compiled.program,
            quarantine: compiled.quarantine,
            keyIndex,
            keyPart,
            tally: compiled.tally.blank(start.quality ?? undefined),
            digest: null,
            digestBatch: null,
            strict: false,
            signal: abort.signal,
            commit: async (accepted, rejected, checkpoint) => {
              if (!checkpoint.done) {
                batches.set(checkpoint.batches, {
                  accepted,
                  rejects: rejected.map((r) => ({ key: r.key, reasons: r.reasons })),
                });
              }
              committed = checkpoint;
              if (attempt === 1 && checkpoint.batches === stopAfter) abort.abort();
            },
          });
          if (attempt === 1 && stopAfter !== undefined) assert.equal(final, null, 'the partition stopped');
        }
        assert.ok(final?.done);
        for (const batch of batches.values()) {
          outcome.loaded.push(...batch.accepted.map((row) => row[0] as number));
          outcome.rejects.push(...batch.rejects);
        }
        outcome.quality.push(final.quality);
        outcome.counts.push(final.counts);
      }
    } finally {
      keyIndex.close();
    }
    const db = new Database(path, { readonly: true });
    try {
      outcome.claims = db.prepare('SELECT COUNT(*) FROM keys').pluck().get() as number;
    } finally {
      db.close();
    }
    return outcome;
  }

  it('rejects the same rows for the same reasons, with the same quality counts, without the key index', async () => {
    const before = await runPartitions({ keyIndex: true });
    const now = await runPartitions();
    assert.equal(before.claims, 22, 'the key index held the values before');
    assert.equal(now.claims, 0, 'the key index is not used');
    assert.deepEqual(now, { ...before, claims: 0 });
    // And what "the same" is: every duplicate rejected once, the first occurrence loaded.
    assert.deepEqual(
      now.loaded,
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 23],
    );
    const duplicates = now.rejects.filter((r) => r.reasons.some((reason) => reason.rule === 'unique(id)'));
    assert.equal(duplicates.length, 10);
    assert.deepEqual(duplicates[0]!.reasons, [
      {
        rule: 'unique(id)',
        column: null,
        severity: 'critical',
        message: '(id) duplicates the value of a row loaded before',
      },
    ]);
    assert.equal(now.rejects.length, 12);
    assert.deepEqual(
      now.counts.map((c) => [c.extracted, c.loaded, c.rejected]),
      [
        [14, 9, 5],
        [13, 10, 3],
        [7, 3, 4],
      ],
    );
  });

  it('stays right after a stop mid-partition and a resume from the checkpoint', async () => {
    const clean = await runPartitions();
    // Partition 1 reads [10 10 11] [12 13 13] | [14 15 16] [16 17 18] [19]: the batch read ahead of the
    // stop is read again after it, and 16 repeats across the resumed batches.
    const resumed = await runPartitions({ stop: { partition: 1, afterBatch: 2 } });
    assert.deepEqual(resumed, clean);
    const withKeyIndex = await runPartitions({ keyIndex: true, stop: { partition: 1, afterBatch: 2 } });
    assert.deepEqual({ ...withKeyIndex, claims: 0 }, clean);
  });

  it('jivs plan says the rule is checked within each partition', () => {
    const text = formatPlan({ tables: [plan], warnings: [], notMigrated: [] });
    assert.match(text, /unique \[id\]: checked within each partition: partitions are disjoint ranges of id/);
  });

  it('a replay checks the rule against the keys loaded in the target, in any order', async () => {
    await targetDb.exec('CREATE TABLE items (id integer NOT NULL, name varchar(20) NOT NULL)');
    await targetDb.exec("INSERT INTO items VALUES (5, 'a'), (1, 'a'), (3, 'a')");
    const target = await openSource(loaded.spec.target, loaded.files, 'target');
    const keyIndex = new KeyIndex(':memory:');
    try {
      const compiled = (await compileTablePrograms([plan], source, keyIndex, null)).compiled.get('items')!;
      await claimLoadedKeys(target, plan, compiled.program, keyIndex, 2);
      const validate = compileValidator(plan, compiled.program, keyIndex, compiled.tally, {
        unordered: true,
      });
      const rows = [
        [30, 'a'],
        [3, 'a'],
        [2, 'a'],
        [30, 'a'],
      ];
      const { accepted, rejected } = validate(rows, compileTransform(plan, compiled.program)(rows));
      assert.deepEqual(
        accepted.map((r) => r[0]),
        [30, 2],
      );
      assert.deepEqual(
        rejected.map((r) => [r.index, r.reasons[0]!.rule]),
        [
          [1, 'unique(id)'],
          [3, 'unique(id)'],
        ],
      );
    } finally {
      keyIndex.close();
      await target.close();
    }
  });
});

describe('an in-partition unique rule next to one the key index keeps', () => {
  /** The outcome of each batch, in-partition (as planned) or with every rule in the key index. */
  function validateBatches(batches: RowBatch[], keyIndexOnly: boolean, idSeverity: Severity = 'critical') {
    const plan = tablePlan('t', ['id integer not null', 'code integer not null']);
    plan.partitions = [{ index: 0, bounds: { kind: 'key-range', keyColumn: 'id', from: null, to: null } }];
    plan.quality.rules = [
      { unique: ['id'], severity: idSeverity },
      { unique: ['code'], severity: 'critical' },
    ];
    const { program, keyIndex, tally, transform } = compiledTable(plan);
    assert.deepEqual(
      program.unique.map((u) => u.strategy.kind),
      ['in-partition', 'key-index'],
    );
    if (keyIndexOnly) program.unique[0]!.strategy = { kind: 'key-index' };
    const validate = compileValidator(plan, program, keyIndex, tally);
    const outcome = batches.map((rows) => {
      const { accepted, rejected } = validate(rows, transform(rows));
      return { accepted, rejected: rejected.map((r) => [r.index, r.reasons.map((reason) => reason.rule)]) };
    });
    keyIndex.close();
    return { outcome, quality: tally.state() };
  }

  it('gives a value back when the row that claimed it is rejected by a later rule, as the key index does', () => {
    const batches = [
      [
        [1, 10],
        [2, 10], // claims id 2, loses code 10: rejected, gives id 2 back
        [2, 11], // lost id 2 to the row above within the batch: stays rejected (as with the key index)
      ],
      [[2, 12]], // id 2 is free again
    ];
    const now = validateBatches(batches, false);
    assert.deepEqual(now, validateBatches(batches, true));
    assert.deepEqual(
      now.outcome.map((b) => b.accepted),
      [[[1, 10]], [[2, 12]]],
    );
  });

  it('a row that only warned of a repeated key holds no claim', () => {
    const batches = [
      [
        [1, 10],
        [2, 11],
        [3, 12], // claims id 3
        [3, 13], // repeats it (minor: loads anyway, without a claim)
      ],
      [[3, 14]], // the row that claimed id 3 kept it: a repeat again
    ];
    const now = validateBatches(batches, false, 'minor');
    assert.deepEqual(now, validateBatches(batches, true, 'minor'));
    const released = [
      [
        [1, 10],
        [2, 10], // claims id 2, loses code 10: rejected, gives id 2 back
        [2, 11], // repeats id 2 (minor: not rejected by it), claims code 11
      ],
      [[2, 12]], // no row holds id 2: loads without a warning
    ];
    const after = validateBatches(released, false, 'minor');
    assert.deepEqual(after, validateBatches(released, true, 'minor'));
    assert.deepEqual(after.outcome[1], { accepted: [[2, 12]], rejected: [] });
  });
});
