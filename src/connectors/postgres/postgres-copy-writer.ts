/**
 * Writes batches into a table with `COPY … FROM STDIN`: one pooled connection and one transaction per
 * batch, the batch encoded into large chunks. Several writers (one per partition) may run at once.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { CheckpointRecord, RefusedRow, RowBatch, TableSchema, TableWriter } from '../connector.ts';
import { isDataRefusal } from '../data-refusal.ts';
import { isolateRefusedRows } from '../isolate-refused-rows.ts';
import { upsertCheckpoint } from './postgres-checkpoints.ts';
import { CopyBuffers, encodeCopyChunks } from './postgres-copy-encoder.ts';
import { describePostgresError } from './postgres-connection.ts';
import { ident, qualified } from './postgres-identifiers.ts';

/**
 * Streams a batch's chunks into a COPY, waiting for 'drain' when the socket is full, and resolves once
 * the server has confirmed the COPY ('finish'). Plain writes measured ~10% faster than a pipeline
 * from Readable.from(). `once` rejects when the stream reports an error while it waits. The chunk
 * Buffers are reused only after a COPY that finished (see CopyBuffers).
 */
async function copyBatch(copy: Writable, batch: RowBatch, width: number, pool: CopyBuffers): Promise<void> {
  // Errors are delivered only while one of the awaits below listens; this keeps a late one from
  // becoming an uncaught 'error' event.
  copy.on('error', () => {});
  const buffers = pool.acquire();
  try {
    try {
      for (const chunk of encodeCopyChunks(batch, width, buffers)) {
        if (!copy.write(chunk)) await once(copy, 'drain');
      }
    } catch (error) {
      // Abort the COPY (CopyFail) so the connection returns to a usable state, then report.
      copy.destroy(error as Error);
      throw error;
    }
    copy.end();
    await once(copy, 'finish');
  } catch (error) {
    buffers.discard();
    throw error;
  }
  buffers.recycle();
}

/**
 * A writer for one partition of `table` (already prepared) in `schema`; a checkpoint is upserted in the
 * batch's transaction.
 */
export function openCopyWriter(pool: pg.Pool, schema: string, table: TableSchema): TableWriter {
  const columns = table.columns.map((c) => ident(c.name)).join(', ');
  const sql = `COPY ${qualified(schema, table.name)} (${columns}) FROM STDIN`;
  const width = table.columns.length;
  const buffers = new CopyBuffers();

  const write = async (batch: RowBatch, checkpoint?: CheckpointRecord): Promise<void> => {
    if (batch.length === 0 && !checkpoint) return;
    const client = await pool.connect();
    // A connection whose state is unknown after a failure is discarded instead of reused.
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      if (batch.length) await copyBatch(client.query(copyFrom(sql)), batch, width, buffers);
      if (checkpoint) await upsertCheckpoint(client, schema, checkpoint);
      await client.query('COMMIT');
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError as Error;
      }
      // A dropped connection can leave the pooled client looking usable: never reuse it after a failure.
      broken ??= error as Error;
      throw new Error(
        `loading ${batch.length} rows into "${table.name}" failed: ${describePostgresError(error)}`,
        {
          cause: error,
        },
      );
    } finally {
      client.release(broken);
    }
  };

  /**
   * Finds the rows the table refuses (see isolate-refused-rows.ts): one transaction, a COPY per segment
   * within a savepoint, always rolled back.
   */
  const isolate = async (batch: RowBatch, maxRefused: number): Promise<RefusedRow[]> => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      return await isolateRefusedRows(batch.length, maxRefused, async ([from, to]) => {
        await client.query('SAVEPOINT jivs_isolate');
        try {
          await copyBatch(client.query(copyFrom(sql)), batch.slice(from, to), width, buffers);
        } catch (error) {
          if (!isDataRefusal(error)) throw error;
          await client.query('ROLLBACK TO SAVEPOINT jivs_isolate');
          await client.query('RELEASE SAVEPOINT jivs_isolate');
          return error;
        }
        await client.query('RELEASE SAVEPOINT jivs_isolate');
        return null;
      });
    } catch (error) {
      broken = error as Error;
      throw new Error(
        `isolating the refused rows of ${batch.length} rows for "${table.name}" failed: ${describePostgresError(error)}`,
        { cause: error },
      );
    } finally {
      if (!broken) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      }
      client.release(broken);
    }
  };

  return { write, isolate, close: async () => {} };
}
