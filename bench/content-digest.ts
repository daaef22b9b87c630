/**
 * Speed of the content digest (src/verify/content-digest.ts), which runs on every loaded row: N rows
 * (default 1,000,000) of a typical order row (integer key, text, decimal, float, boolean, timestamp,
 * timestamptz, uuid, NULL), in batches of 1,000, through createBatchDigester. Baseline in the same run:
 * the naive way, node:crypto MD5 of each row's JSON.stringify. Prints ns/row of both and the ratio.
 *
 * Usage: npm run bench -- --only digest [--rows N], or node --import tsx bench/content-digest.ts [--rows N]
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { ColumnSchema, RowBatch } from '../src/connectors/connector.ts';
import { parseLogicalType } from '../src/core/logical-type.ts';
import { ContentDigest, createBatchDigester } from '../src/verify/content-digest.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } });
const rows = Number(values.rows);
const BATCH = 1000;

const columns: ColumnSchema[] = [
  ['id', 'bigint'],
  ['customer', 'varchar(80)'],
  ['total', 'decimal(12,2)'],
  ['weight', 'float'],
  ['paid', 'boolean'],
  ['placed', 'timestamp'],
  ['shipped', 'timestamptz'],
  ['token', 'uuid'],
  ['note', 'text'],
].map(([name, type]) => ({
  name: name!,
  nativeType: type!,
  type: parseLogicalType(type!)!,
  nullable: true,
  defaultValue: null,
}));

const batches: RowBatch[] = [];
for (let b = 0; b < BATCH; b += BATCH) {
  const batch: RowBatch = [];
  for (let i = 0; i < BATCH; i++) {
    const id = b + i;
    batch.push([
      id,
      `Customer ${id % 9973} Müller`,
      `${id % 100000}.${String(id % 100).padStart(2, '0')}`,
      id / 7,
      id % 2 === 0,
      `2024-0${(id % 9) + 1}-1${id % 10} 10:${String(id % 60).padStart(2, '0')}:00`,
      `2024-05-01 12:00:00.${String(id % 1000).padStart(3, '0')}+02:00`,
      `0f8fad5b-d9cb-469f-a165-${String(id).padStart(12, '0')}`,
      id % 3 === 0 ? null : 'a short note',
    ]);
  }
  batches.push(batch);
}

function measure(name: string, work: (batch: RowBatch) => void): number {
  for (let i = 0; i < 20; i++) work(batches[0]!); // warm-up
  const started = process.hrtime.bigint();
  for (let done = 0; done < rows; done += BATCH) work(batches[(done / BATCH) % batches.length]!);
  const ns = Number(process.hrtime.bigint() - started) / rows;
  process.stdout.write(`${name}: ${ns.toFixed(0)} ns/row\n`);
  return ns;
}

const digester = createBatchDigester(columns);
const digest = new ContentDigest();
const ours = measure('createBatchDigester (normalise + MD5 + sum)', (batch) => digester(batch, digest));
let sink = 0;
const baseline = measure('baseline: MD5 of JSON.stringify(row)', (batch) => {
  for (const row of batch) sink ^= createHash('md5').update(JSON.stringify(row)).digest().readUInt32LE(0);
});
process.stdout.write(
  `ratio digest / baseline: ${(ours / baseline).toFixed(2)} (${rows} rows; ${sink & 0})\n`,
);
