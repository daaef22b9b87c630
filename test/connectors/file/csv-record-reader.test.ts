/**
 * The CSV record reader resynchronises after a malformed record at the next line, wherever the chunks of
 * the text happen to split it: every test runs the text cut at every position (and whole).
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import type { CsvEndpoint } from '../../../src/spec/spec-schema.ts';
import { resolveCsvOptions } from '../../../src/connectors/file/csv-options.ts';
import { readCsvRecords, type RawCsvRecord } from '../../../src/connectors/file/csv-record-reader.ts';

/** Records as `line: fields` or `line: !CODE` for a malformed one. */
async function records(chunks: string[], endpoint: Partial<CsvEndpoint> = {}): Promise<string[]> {
  const options = resolveCsvOptions({ type: 'csv', path: 'test.csv', ...endpoint });
  const out: string[] = [];
  for await (const item of readCsvRecords(Readable.from(chunks.map((c) => Buffer.from(c))), options)) {
    const record = item as RawCsvRecord;
    out.push(`${record.line}: ${record.malformed ? `!${record.malformed}` : JSON.stringify(record.record)}`);
  }
  return out;
}

/** The records of `text`, checked to be the same however the text is cut in two chunks. */
async function recordsOf(text: string, endpoint: Partial<CsvEndpoint> = {}): Promise<string[]> {
  const whole = await records([text], endpoint);
  for (let cut = 1; cut < text.length; cut++) {
    assert.deepEqual(
      await records([text.slice(0, cut), text.slice(cut)], endpoint),
      whole,
      `cut at ${cut}: ${JSON.stringify(text.slice(0, cut))}`,
    );
  }
  return whole;
}

describe('CSV record reader', () => {
  it('keeps a quoted field that spans lines whole, and counts its lines', async () => {
    assert.deepEqual(await recordsOf('a,b\n1,"x\ny"\n2,3\n'), [
      '1: ["a","b"]',
      '2: ["1","x\\ny"]',
      '4: ["2","3"]',
    ]);
  });

  it('rejects a record with an unclosed quote and reads the lines it swallowed again', async () => {
    assert.deepEqual(await recordsOf('a,b\n1,"open\n2,3\n4,5'), [
      '1: ["a","b"]',
      '2: !CSV_QUOTE_NOT_CLOSED',
      '3: ["2","3"]',
      '4: ["4","5"]',
    ]);
  });

  it('resynchronises with CRLF line ends, and after several malformed records in a row', async () => {
    assert.deepEqual(await recordsOf('a,b\r\n1,"x"y\r\n2,"z\r\n3,4\r\n'), [
      '1: ["a","b"]',
      '2: !CSV_INVALID_CLOSING_QUOTE',
      '3: !CSV_QUOTE_NOT_CLOSED',
      '4: ["3","4"]',
    ]);
  });

  it('rejects a quote inside an unquoted field, and reads it as data under quote: false', async () => {
    assert.deepEqual(await recordsOf('h\n5\'10"\nok\n'), [
      '1: ["h"]',
      '2: !INVALID_OPENING_QUOTE',
      '3: ["ok"]',
    ]);
    assert.deepEqual(await recordsOf('h\n5\'10"\n"x"\n', { quote: false }), [
      '1: ["h"]',
      '2: ["5\'10\\""]',
      '3: ["\\"x\\""]',
    ]);
  });

  it('skips title lines as plain lines, whatever quotes they hold', async () => {
    assert.deepEqual(await recordsOf('Report "Q1\r\nmore "notes\na,b\n1,2\n', { skipLines: 2 }), [
      '3: ["a","b"]',
      '4: ["1","2"]',
    ]);
  });

  it('reads escaped quotes and trims blanks outside quotes only', async () => {
    assert.deepEqual(await recordsOf('a,b\n  " x \\"y\\" " , z \n', { escape: '\\', trim: 'unquoted' }), [
      '1: ["a","b"]',
      '2: [" x \\"y\\" ","z"]',
    ]);
  });
});
