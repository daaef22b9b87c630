import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  PartitionBounds,
  RowBatch,
  Source,
  TableSchema,
  TableWriter,
} from '../../src/connectors/connector.ts';
import { runPartitionPipeline } from '../../src/engine/partition-pipeline.ts';
import { PhaseClock } from '../../src/engine/phase-clock.ts';
import type { RejectedRow, RowCounts } from '../../src/state/run-types.ts';
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
    close: async () => {},
  };
  return { source, state };
}

describe('partition pipeline', () => {
  it('moves every row once, pulls one batch at a time (backpressure) and accounts for each row', async () => {
    const { source, state } = countingSource(20, 100);
    const plan = tablePlan('t', ['id integer not null', 'n integer'], ['id']);
    const written: RowBatch[] = [];
    let maxAhead = 0;
    const writer: TableWriter = {
      write: async (batch) => {
        await sleep(2); // a slow target
        written.push(batch);
        maxAhead = Math.max(maxAhead, state.produced - written.length);
      },
      close: async () => {},
    };
    const deltas: RowCounts[] = [];
    const rejects: RejectedRow[] = [];
    const clock = new PhaseClock();
    const counts = await runPartitionPipeline({
      source,
      writer,
      plan,
      partition: plan.partitions[0]!,
      batchSize: 100,
      clock,
      ...compiledTable(plan),
      strict: false,
      signal: new AbortController().signal,
      afterBatch: async (delta, rejected) => {
        deltas.push(delta);
        rejects.push(...rejected);
      },
    });
    assert.deepEqual(counts, { extracted: 2000, loaded: 1800, rejected: 200, filtered: 0 });
    assert.equal(written.flat().length, 1800);
    assert.equal(new Set(written.flat().map((r) => r[0])).size, 1800);
    // One batch loads while the next one is prepared: never more than two ahead of the target.
    assert.ok(maxAhead <= 2, `the source was read ${maxAhead} batches ahead of the target`);
    assert.equal(deltas.length, 20);
    assert.equal(rejects.length, 200);
    assert.equal(rejects[0]!.key, '[0]');
    assert.deepEqual(rejects[0]!.values, { id: 0, n: 'not a number' });
  });

  it('stops at the next batch boundary once aborted', async () => {
    const { source, state } = countingSource(50, 10);
    const plan = tablePlan('t', ['id integer', 'n text']);
    const abort = new AbortController();
    let batches = 0;
    const counts = await runPartitionPipeline({
      source,
      writer: { write: async () => {}, close: async () => {} },
      plan,
      partition: plan.partitions[0]!,
      batchSize: 10,
      clock: new PhaseClock(),
      ...compiledTable(plan),
      strict: false,
      signal: abort.signal,
      afterBatch: async () => {
        if (++batches === 3) abort.abort();
      },
    });
    assert.deepEqual(counts, { extracted: 30, loaded: 30, rejected: 0, filtered: 0 });
    assert.ok(state.produced <= 4, `read ${state.produced} batches; at most one beyond the stop`);
  });
});
