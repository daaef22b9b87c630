import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openCsvSource } from '../../../src/connectors/file/csv-source.ts';
import { tableOf } from './file-test-helpers.ts';
import { tempDir } from '../../support/temp-dir.ts';

const ROWS = 200_000;

async function writeLargeCsv(file: string): Promise<void> {
  const out = createWriteStream(file);
  out.write('id,name,amount,day,note\n');
  for (let start = 0; start < ROWS; start += 10_000) {
    let chunk = '';
    for (let i = start; i < start + 10_000; i++) {
      chunk += `${i},"customer ${i}",${(i * 1.25).toFixed(2)},2024-01-${String((i % 28) + 1).padStart(2, '0')},${i % 7 === 0 ? '' : '"some free text, quoted"'}\n`;
    }
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}

describe('CSV source on a large file', () => {
  it('streams 200k rows in batches of 5000 with a bounded heap', { timeout: 30_000 }, async (t) => {
    const path = join(await tempDir('jivs-file-'), 'big.csv');
    await writeLargeCsv(path);
    const source = await openCsvSource({ type: 'csv', path });
    const table = await tableOf(source, 'big');
    assert.deepEqual(
      table.columns.map((c) => c.type.kind),
      ['integer', 'text', 'decimal', 'date', 'text'],
    );
    const columns = table.columns.map((c) => c.name);
    let rows = 0;
    let batches = 0;
    let peakHeap = 0;
    let last: unknown[] = [];
    for await (const batch of source.read(table, columns, { kind: 'whole' }, 5000)) {
      assert.ok(batch.length <= 5000);
      rows += batch.length;
      batches++;
      last = batch[batch.length - 1]!;
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }
    assert.equal(rows, ROWS);
    assert.equal(batches, ROWS / 5000);
    assert.deepEqual(last, [
      '199999',
      'customer 199999',
      '249998.75',
      '2024-01-24',
      'some free text, quoted',
    ]);
    t.diagnostic(`heap peaked at ${Math.round(peakHeap / 1024 / 1024)} MB`);
    assert.ok(peakHeap < 100 * 1024 * 1024, `heap peaked at ${Math.round(peakHeap / 1024 / 1024)} MB`);
  });
});
