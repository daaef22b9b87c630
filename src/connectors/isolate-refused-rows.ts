/**
 * Bisection of a refused batch, shared by the database sinks (TableWriter.isolate). Inside one
 * transaction, a segment of the batch is tried within a savepoint: a segment that loads stays, one that
 * is refused is rolled back to its savepoint and split in two, until the refused rows stand alone.
 * Segments that loaded stay in the transaction while the next ones are tried, so a row that conflicts
 * only with another row of the batch (a duplicate key) is found too: the first of the two loads, the
 * second is refused. The sink rolls the whole transaction back at the end: isolating commits nothing.
 *
 * Cost, for a batch of n rows: one refused row costs about 2·log2(n) segment attempts. However many
 * rows are refused, every segment is tried at most once and a segment is split only when refused, so
 * there are at most 2n − 2 attempts and every row is sent at most ⌈log2 n⌉ times: a batch where every
 * row is refused costs O(n) statements and O(n log n) rows sent, never O(n²). The batch size (spec
 * `batchSize`) bounds n. The caller may also give up early: once more than `maxRefused` rows are
 * refused the isolation stops (the engine then fails the batch as a whole, see load-batch.ts), which
 * bounds a batch of mostly refused rows to about n attempts.
 *
 * The steps are a generator, so that the same logic drives an asynchronous driver (PostgreSQL, MySQL)
 * and a synchronous one (SQLite, whose whole isolation must run without yielding to other writers).
 */
import type { RefusedRow } from './connector.ts';
import { describeRefusal } from './data-refusal.ts';

/** A segment of the batch: rows [from, to). */
export type Segment = readonly [from: number, to: number];

/**
 * The segments to try, in order. Each `yield` gives a segment; the caller sends back null when it
 * loaded, or the refusal (the error) when it was refused and rolled back. Returns the refused rows, or
 * as soon as more than `maxRefused` are refused, those found so far.
 */
export function* isolationSteps(size: number, maxRefused = size): Generator<Segment, RefusedRow[], unknown> {
  const refused: RefusedRow[] = [];
  // The whole batch was just refused by the write that preceded: start with its halves.
  const pending: Segment[] = size > 1 ? split([0, size]) : size === 1 ? [[0, 1]] : [];
  while (pending.length && refused.length <= maxRefused) {
    const segment = pending.pop()!;
    const refusal = yield segment;
    if (refusal === null || refusal === undefined) continue;
    const [from, to] = segment;
    if (to - from === 1) {
      refused.push({ index: from, ...describeRefusal(refusal) });
      continue;
    }
    pending.push(...split(segment));
  }
  return refused;
}

/** The two halves of a segment, in the order `pop` takes them: the first half first. */
function split([from, to]: Segment): Segment[] {
  const middle = from + Math.ceil((to - from) / 2);
  return [
    [middle, to],
    [from, middle],
  ];
}

/** Runs the isolation with an asynchronous attempt (see {@link isolationSteps}). */
export async function isolateRefusedRows(
  size: number,
  maxRefused: number,
  attempt: (segment: Segment) => Promise<unknown>,
): Promise<RefusedRow[]> {
  const steps = isolationSteps(size, maxRefused);
  let step = steps.next();
  while (!step.done) step = steps.next(await attempt(step.value));
  return step.value;
}

/** Runs the isolation with a synchronous attempt (see {@link isolationSteps}). */
export function isolateRefusedRowsSync(
  size: number,
  maxRefused: number,
  attempt: (segment: Segment) => unknown,
): RefusedRow[] {
  const steps = isolationSteps(size, maxRefused);
  let step = steps.next();
  while (!step.done) step = steps.next(attempt(step.value));
  return step.value;
}
