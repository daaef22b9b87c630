import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PartitionBounds, RowBatch, Source, TableSchema } from '../../src/connectors/connector.ts';
import { initialCheckpoint, type PartitionCheckpoint } from '../../src/engine/checkpoints.ts';
import { runPartitionPipeline, type PartitionJob } from '../../src/engine/partition-pipeline.ts';
import { PhaseClock } from '../../src/engine/phase-clock.ts';
import type { TablePlan } from '../../src/plan/plan-types.ts';
import type { RejectedRow } from '../../src/state/run-types.ts';
import { compileQuarantinedReasons, compileQuarantinedValues } from '../../src/engine/quarantine-values.ts';
import { compiledTable, tablePlan } from '../support/table-plan.ts';

/** A source of `batches` batches of `size` rows that records how far ahead of the consumer it was read. */
function countingSource(batches: number, size: number) {
  const state = { produced: 0 };
  const source: Source = {
    introspector: {
      listTables: async () => [],
      statistics: async () => ({ rowCount: 0, partitionKey: null }),
    },
    async *read(
      _t: TableSchema,
      _c: string[],
      _b: PartitionBounds,
      batchSize: number,
    ): AsyncGenerator<RowBatch> {
      assert.equal(batchSize, size);
      for (let b = 0; b < batches; b++) {
        state.produced++;
        yield Array.from({ length: size }, (_, i) => [
          b * size + i,
          i % 10 === 0 ? 'not a number' : String(i),
        ]);
      }
    },
    countRows: async () => batches * size,
    close: async () => {},
  };
  return { source, state };
}

/** A job over the whole (single) partition of `plan`, from the start. */
function job(
  plan: TablePlan,
  source: Source,
  batchSize: number,
  signal: AbortSignal,
  commit: PartitionJob['commit'],
): PartitionJob {
  const { program, keyIndex, tally } = compiledTable(plan);
  return {
    source,
    plan,
    partition: 0,
    bounds: plan.partitions[0]!.bounds,
    start: initialCheckpoint('test:1', 1),
    batchSize,
    clock: new PhaseClock(),
    program,
    quarantine: {
      mode: 'masked',
      values: compileQuarantinedValues(plan, program.masks),
      reasons: compileQuarantinedReasons(plan, program.masks),
    },
    keyIndex,
    keyPart: keyIndex.part('t#0'),
    tally,
    digest: null,
    digestBatch: null,
    strict: false,
    signal,
    commit,
  };
}

describe('partition pipeline', () => {
  it('moves every row once, pulls one batch at a time (backpressure) and accounts for each row', async () => {
    const { source, state } = countingSource(20, 100);
    const plan = tablePlan('t', ['id integer not null', 'n integer'], ['id']);
    const written: RowBatch[] = [];
    let maxAhead = 0;
    const checkpoints: PartitionCheckpoint[] = [];
    const rejects: RejectedRow[] = [];
    const final = await runPartitionPipeline(
      job(plan, source, 100, new AbortController().signal, async (accepted, rejected, checkpoint) => {
        await sleep(2); // a slow target
        if (accepted.length) written.push(accepted);
        maxAhead = Math.max(maxAhead, state.produced - written.length);
        rejects.push(...rejected);
        checkpoints.push(checkpoint);
      }),
    );
    assert.deepEqual(final?.counts, { extracted: 2000, loaded: 1800, rejected: 200, filtered: 0 });
    assert.equal(final?.done, true);
    assert.equal(written.flat().length, 1800);
    assert.equal(new Set(written.flat().map((r) => r[0])).size, 1800);
    // One batch loads while the next one is prepared: never more than two ahead of the target.
    assert.ok(maxAhead <= 2, `the source was read ${maxAhead} batches ahead of the target`);
    // One checkpoint per batch, numbered, each covering the batches before it; then the final one.
    assert.equal(checkpoints.length, 21);
    assert.deepEqual(
      checkpoints.map((c) => c.batches),
      [...Array.from({ length: 20 }, (_, i) => i + 1), 20],
    );
    assert.deepEqual(checkpoints[4]!.counts, { extracted: 500, loaded: 450, rejected: 50, filtered: 0 });
    assert.equal(rejects.length, 200);
    assert.equal(rejects[0]!.key, '[0]');
    assert.deepEqual(rejects[0]!.values, { id: 0, n: 'not a number' });
  });

  it('stops at the next batch boundary once aborted', async () => {
    const { source, state } = countingSource(50, 10);
    const plan = tablePlan('t', ['id integer', 'n text']);
    const abort = new AbortController();
    let last: PartitionCheckpoint | undefined;
    const final = await runPartitionPipeline(
      job(plan, source, 10, abort.signal, async (_accepted, _rejected, checkpoint) => {
        last = checkpoint;
        if (checkpoint.batches === 3) abort.abort();
      }),
    );
    assert.equal(final, null, 'an aborted partition has no final checkpoint');
    assert.deepEqual(last?.counts, { extracted: 30, loaded: 30, rejected: 0, filtered: 0 });
    assert.ok(state.produced <= 4, `read ${state.produced} batches; at most one beyond the stop`);
  });
});
