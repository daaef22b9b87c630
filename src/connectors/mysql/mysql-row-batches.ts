/**
 * Batches the rows of an object-mode Readable (a mysql2 query stream) into arrays, pulling with
 * `read()`: rows are only taken off the stream while a batch is being filled, so a consumer that stops
 * asking stops the stream (it fills its buffer, then pauses the connection: backpressure).
 */
import type { Readable } from 'node:stream';
import type { Row, RowBatch } from '../connector.ts';

export async function* rowBatches(
  stream: Readable,
  batchSize: number,
  convert: ((row: Row) => void) | null,
): AsyncGenerator<RowBatch> {
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  const onEnd = () => {
    ended = true;
    notify();
  };
  const onError = (error: Error) => {
    failure = error;
    notify();
  };
  stream.on('readable', notify);
  stream.on('end', onEnd);
  stream.on('error', onError);
  try {
    let batch: RowBatch = [];
    for (;;) {
      if (failure) throw failure;
      let row: Row | null;
      while ((row = stream.read() as Row | null) !== null) {
        if (convert) convert(row);
        batch.push(row);
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
          if (failure) throw failure;
        }
      }
      if (failure) throw failure;
      if (ended || stream.readableEnded) break;
      await new Promise<void>((resolve) => (wake = resolve));
    }
    if (batch.length) yield batch;
  } finally {
    stream.off('readable', notify);
    stream.off('end', onEnd);
    stream.off('error', onError);
    // The stream may still fail once the caller kills its query; that is no longer anyone's concern.
    stream.on('error', () => {});
  }
}
