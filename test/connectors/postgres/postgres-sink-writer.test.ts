/**
 * PostgresSink.openWriter: loading batches with COPY, and what a failing batch leaves behind.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Sink } from '../../../src/connectors/connector.ts';
import type { TestSchema } from './postgres-test-schema.ts';
import { column, tableSchema } from '../../support/table-schema.ts';
import { closeSinkSchema, openSinkSchema } from './postgres-sink-fixtures.ts';

describe('PostgresSink', () => {
  let schema: TestSchema;
  let sink: Sink;
  before(async () => ({ schema, sink } = await openSinkSchema()));
  after(() => closeSinkSchema({ schema, sink }));

  describe('openWriter', () => {
    it('loads batches with COPY; several writers on one table in parallel', async () => {
      const numbers = tableSchema(
        'numbers',
        [column('id', { kind: 'integer' }, { nullable: false }), column('label', { kind: 'text' })],
        { primaryKey: ['id'] },
      );
      await sink.prepareTable(numbers, 'create');
      const writers = await Promise.all([0, 1, 2, 3].map(() => sink.openWriter(numbers)));
      await Promise.all(
        writers.map(async (writer, w) => {
          for (let b = 0; b < 5; b++) {
            const batch = Array.from({ length: 2000 }, (_, i) => {
              const id = w * 10_000 + b * 2000 + i;
              return [id, `row ${id}\twith tab`];
            });
            await writer.write(batch);
          }
          await writer.close();
        }),
      );
      assert.equal(await sink.countRows('numbers'), 40_000);
      const [check] = await schema.sql<{ n: string; s: string }>(
        `SELECT count(DISTINCT id) AS n, sum(id) AS s FROM numbers WHERE label = 'row ' || id || E'\\twith tab'`,
      );
      assert.deepEqual(check, { n: '40000', s: String(((4 * 10_000 - 1) * 4 * 10_000) / 2) });
    });

    it('rolls a failing batch back completely and names the row in the error', async () => {
      const strict = tableSchema('strict_rows', [
        column('id', { kind: 'integer' }, { nullable: false }),
        column('name', { kind: 'text' }, { nullable: false }),
      ]);
      await sink.prepareTable(strict, 'create');
      const writer = await sink.openWriter(strict);
      await writer.write([[0, 'before']]);
      const batch = Array.from({ length: 100 }, (_, i) => [i + 1, i === 41 ? null : `n${i}`]);
      await assert.rejects(writer.write(batch), (error: Error) => {
        assert.match(error.message, /null value in column "name"/);
        assert.match(error.message, /line 42/);
        assert.match(error.message, /strict_rows/);
        return true;
      });
      assert.equal(await sink.countRows('strict_rows'), 1);
      // The writer (and the pool) still work after the failure.
      await writer.write([[200, 'after']]);
      assert.equal(await sink.countRows('strict_rows'), 2);
      const bad = [
        [1, 'x'],
        ['not a number', 'y'],
      ];
      await assert.rejects(writer.write(bad), /invalid input syntax for type integer.*line 2/s);
    });

    it('reports an error early in a large batch (many chunks) and rolls it back', async () => {
      const wide = tableSchema('large_batch', [
        column('id', { kind: 'integer' }, { nullable: false }),
        column('t', { kind: 'text' }, { nullable: false }),
      ]);
      await sink.prepareTable(wide, 'create');
      const writer = await sink.openWriter(wide);
      const text = 'x'.repeat(500);
      for (const bad of [3, 39_999]) {
        const batch = Array.from({ length: 40_000 }, (_, i) => [i, i === bad ? null : text]);
        await assert.rejects(writer.write(batch), new RegExp(`line ${bad + 1}\\b`));
      }
      // A row that is not a row at all fails while encoding: the COPY is aborted.
      const broken: unknown[][] = Array.from({ length: 40_000 }, (_, i) => [i, text]);
      (broken as unknown[])[30_000] = null;
      await assert.rejects(writer.write(broken), /loading 40000 rows into "large_batch" failed/);
      assert.equal(await sink.countRows('large_batch'), 0);
      await writer.write([[1, 'fine']]);
      assert.equal(await sink.countRows('large_batch'), 1);
    });

    it('fails a write whose backend is terminated, and the next write works', async () => {
      const killed = tableSchema('killed_writes', [
        column('id', { kind: 'integer' }),
        column('t', { kind: 'text' }),
      ]);
      await sink.prepareTable(killed, 'create');
      const writer = await sink.openWriter(killed);
      // Block the COPY on a lock so the backend is still busy when it is terminated.
      const locker = await schema.admin.connect();
      try {
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE killed_writes IN ACCESS EXCLUSIVE MODE');
        // The assertion is attached at once: the write may fail while the loop below still runs.
        // Depending on timing the driver sees the server's message or the broken socket.
        const failed = assert.rejects(
          writer.write([[1, 'a']]),
          /loading 1 rows into "killed_writes" failed: .*(terminat|EPIPE|ECONNRESET)/i,
        );
        let terminated = false;
        while (!terminated) {
          const rows = await schema.sql<{ done: boolean }>(
            `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity
              WHERE application_name = 'jivs-migrate target' AND query LIKE 'COPY %killed_writes%'`,
          );
          terminated = rows.length > 0;
        }
        await failed;
      } finally {
        await locker.query('ROLLBACK');
        locker.release();
      }
      await writer.write([[2, 'b']]);
      assert.deepEqual(await schema.sql(`SELECT id FROM killed_writes`), [{ id: 2 }]);
    });

    it('writes an empty batch as nothing', async () => {
      const empty = tableSchema('empty_batches', [column('x', { kind: 'integer' })]);
      await sink.prepareTable(empty, 'create');
      const writer = await sink.openWriter(empty);
      await writer.write([]);
      assert.equal(await sink.countRows('empty_batches'), 0);
    });
  });
});
