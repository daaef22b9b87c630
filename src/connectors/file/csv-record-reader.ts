/**
 * Reads the records of a CSV text stream with csv-parse, and goes on after a malformed one: the record is
 * reported (not its text) and parsing starts again at the line after the one where that record began.
 *
 * Why the next line: a quoted field may span lines, so where a malformed record ends cannot be known. An
 * unclosed quote is noticed only where the quoted text runs into something impossible (the end of the
 * file, the record size limit, a quote followed by a character other than a delimiter); what it swallowed
 * up to there may be any number of good records. Starting again right after the record's first line
 * reads those records again, and a field that legitimately spans lines is never affected, because a
 * record that parses is never cut.
 */
import { Readable } from 'node:stream';
import { CsvError, parse, type Options, type Parser } from 'csv-parse';
import type { CsvOptions } from './csv-options.ts';
import { UTF8 } from './text-encoding.ts';

/** The longest record read, in characters: a longer one is malformed (an unclosed quote, most likely). */
export const MAX_RECORD_CHARS = 64 * 1024 * 1024;

/** One record: the field strings and the record's raw text, or a malformed record. */
export interface RawCsvRecord {
  record: string[];
  raw: string;
  /** The 1-based line where the record starts. */
  line: number;
  /**
   * Set for a malformed record: csv-parse's error code (e.g. `CSV_QUOTE_NOT_CLOSED`). Its `record` is
   * empty and its `raw` is its first line (or what was read of it).
   */
  malformed?: string;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * The csv-parse options for `options`: records of any field count (the reader decides), quotes checked
 * strictly (a quote inside an unquoted field, or a closing quote followed by another character, makes a
 * malformed record rather than a guessed value). A byte order mark is looked for only at the start of the
 * text; `skipLines` is applied before csv-parse, as plain lines whatever quotes they hold.
 */
export function csvParseOptions(options: CsvOptions, atFileStart: boolean): Options {
  const trim = options.trim === 'unquoted';
  return {
    bom: atFileStart && options.encoding === UTF8,
    delimiter: options.delimiter,
    quote: options.quote ?? false,
    escape: options.escape ?? false,
    ltrim: trim,
    rtrim: trim,
    raw: true,
    relax_column_count: true,
    relax_quotes: false,
    skip_empty_lines: false,
    max_record_size: MAX_RECORD_CHARS,
  };
}

/** Line breaks in a record's raw text: `\n`, `\r\n` and a lone `\r` count once each. */
export function countLineBreaks(raw: string): number {
  let count = 0;
  for (let i = raw.indexOf('\n'); i !== -1; i = raw.indexOf('\n', i + 1)) count++;
  for (let i = raw.indexOf('\r'); i !== -1; i = raw.indexOf('\r', i + 1)) {
    if (raw.charCodeAt(i + 1) !== 10) count++;
  }
  return count;
}

/**
 * The offset in `bytes` right after `count` line breaks counted from `from` (the rules of
 * {@link countLineBreaks}), or -1 when there are fewer.
 */
function afterLineBreaks(bytes: Buffer, from: number, count: number): number {
  let at = from;
  // The next \r is searched for only once passed: most files have none, and each search would scan to the end.
  let cr = bytes.indexOf(CR, at);
  for (let n = 0; n < count; n++) {
    const lf = bytes.indexOf(LF, at);
    if (cr !== -1 && cr < at) cr = bytes.indexOf(CR, at);
    if (lf === -1 && cr === -1) return -1;
    if (cr !== -1 && (lf === -1 || cr < lf)) at = bytes[cr + 1] === LF ? cr + 2 : cr + 1;
    else at = lf + 1;
  }
  return at;
}

/** Parses one stream's text with a csv-parse parser at a time, starting a new one after a malformed record. */
class ResyncingCsvParser {
  private parser: Parser;
  /** The text fed to the current parser from the start of line `pendingLine`, trimmed as records are read. */
  private pending: Buffer = Buffer.alloc(0);
  private pendingLine = 1;
  /** The line where the next record starts. */
  private nextLine: number;
  /** Lines still to drop whole: the `skipLines` at the start, or the rest of a malformed record's first line. */
  private linesToDrop: number;
  /** The text so far ended in a `\r` that was counted as a line break: a `\n` right after it belongs to it. */
  private droppedCR = false;

  constructor(private readonly options: CsvOptions) {
    this.parser = this.newParser(true);
    this.linesToDrop = options.skipLines;
    this.nextLine = options.skipLines + 1;
    this.pendingLine = this.nextLine;
  }

  private newParser(atFileStart: boolean): Parser {
    const parser = parse(csvParseOptions(this.options, atFileStart));
    // Syntax errors are taken from write callbacks and by finish(); the stream's own event is not needed.
    parser.on('error', () => {});
    return parser;
  }

  /** Parses a chunk of the text and returns the records it completed. */
  async write(chunk: Buffer | string): Promise<RawCsvRecord[]> {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (this.linesToDrop > 0 || this.droppedCR) bytes = this.dropLines(bytes);
    if (bytes.length === 0) return [];
    const out: RawCsvRecord[] = [];
    this.pending = this.pending.length ? Buffer.concat([this.pending, bytes]) : bytes;
    let error = await this.feed(bytes, out);
    while (error !== undefined) error = await this.resync(error, out, false);
    this.dropReadLines();
    return out;
  }

  /** Ends the text and returns the last records. */
  async end(): Promise<RawCsvRecord[]> {
    const out: RawCsvRecord[] = [];
    if (this.linesToDrop > 0) return out;
    let error = await this.finish(out);
    while (error !== undefined) error = await this.resync(error, out, true);
    return out;
  }

  destroy(): void {
    this.parser.destroy();
  }

  /** Drops the start of `bytes` up to the end of {@link linesToDrop} lines, and returns the rest. */
  private dropLines(bytes: Buffer): Buffer {
    let at = 0;
    if (this.droppedCR) {
      if (bytes[0] === LF) at = 1;
      this.droppedCR = false;
    }
    while (this.linesToDrop > 0 && at < bytes.length) {
      const next = afterLineBreaks(bytes, at, 1);
      if (next === -1) return Buffer.alloc(0);
      this.linesToDrop--;
      at = next;
      if (next === bytes.length && bytes[next - 1] === CR) this.droppedCR = true;
    }
    return bytes.subarray(at);
  }

  /** Writes to the parser and collects the records it completes; resolves to its syntax error, if any. */
  private async feed(bytes: Buffer, out: RawCsvRecord[]): Promise<CsvError | undefined> {
    // csv-parse parses a chunk synchronously within write(): its records are buffered before it returns.
    const written = new Promise<Error | null | undefined>((resolve) => this.parser.write(bytes, resolve));
    this.drain(out);
    const error = await written;
    this.drain(out);
    return this.syntaxError(error);
  }

  /** Ends the parser, collecting the records its last text completes; resolves to its syntax error, if any. */
  private finish(out: RawCsvRecord[]): Promise<CsvError | undefined> {
    const parser = this.parser;
    this.drain(out);
    return new Promise((resolve, reject) => {
      parser.on('data', (item: { record: string[]; raw: string }) => this.accept(item, out));
      parser.once('error', (error) => {
        const syntax = this.syntaxError(error);
        if (syntax) resolve(syntax);
        else reject(error);
      });
      parser.once('end', () => resolve(undefined));
      parser.end();
    });
  }

  private syntaxError(error: Error | null | undefined): CsvError | undefined {
    if (error === null || error === undefined) return undefined;
    if (error instanceof CsvError) return error;
    throw error;
  }

  private drain(out: RawCsvRecord[]): void {
    for (let item = this.parser.read(); item !== null; item = this.parser.read()) this.accept(item, out);
  }

  private accept(item: { record: string[]; raw: string }, out: RawCsvRecord[]): void {
    const line = this.nextLine;
    this.nextLine += countLineBreaks(item.raw);
    out.push({ record: item.record, raw: item.raw, line });
  }

  /** Drops the pending lines that records have covered, keeping the record in progress. */
  private dropReadLines(): void {
    const lines = this.nextLine - this.pendingLine;
    if (lines <= 0) return;
    const at = afterLineBreaks(this.pending, 0, lines);
    if (at === -1) return;
    this.pending = this.pending.subarray(at);
    this.pendingLine = this.nextLine;
  }

  /**
   * Reports the record that starts at `nextLine` as malformed and starts a new parser on the text after
   * that record's first line; resolves to the new parser's syntax error, if any.
   */
  private async resync(error: CsvError, out: RawCsvRecord[], ending: boolean): Promise<CsvError | undefined> {
    const line = this.nextLine;
    const start = Math.max(0, afterLineBreaks(this.pending, 0, line - this.pendingLine));
    const end = afterLineBreaks(this.pending, start, 1);
    const raw = this.pending.subarray(start, end === -1 ? undefined : end).toString();
    out.push({ record: [], raw, line, malformed: error.code });
    this.parser.destroy();
    this.parser = this.newParser(false);
    this.nextLine = line + 1;
    this.pendingLine = line + 1;
    this.pending = end === -1 ? Buffer.alloc(0) : this.pending.subarray(end);
    if (end === -1 && !ending) {
      this.linesToDrop = 1;
      return undefined;
    }
    // A \r that ended the text so far ended the rejected line: a \n that comes next belongs to it.
    if (!ending && end !== -1 && this.pending.length === 0 && raw.endsWith('\r')) this.droppedCR = true;
    if (this.pending.length) {
      const again = await this.feed(this.pending, out);
      if (again !== undefined) return again;
    }
    return ending ? this.finish(out) : undefined;
  }
}

/**
 * An object stream of {@link RawCsvRecord} over a text stream. It pulls a chunk of text only when its
 * consumer wants more records, and pushes all the records of a chunk at once: a consumer's `for await`
 * then takes them from the stream's buffer without waiting per record.
 */
class CsvRecordStream extends Readable {
  private readonly parser: ResyncingCsvParser;
  private readonly chunks: AsyncIterator<Buffer | string>;
  private pulling = false;

  constructor(
    private readonly text: Readable,
    options: CsvOptions,
  ) {
    super({ objectMode: true, highWaterMark: 1024 });
    this.parser = new ResyncingCsvParser(options);
    this.chunks = (text as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  }

  override _read(): void {
    if (this.pulling) return;
    this.pulling = true;
    this.pull().catch((error: unknown) => this.destroy(error as Error));
  }

  /**
   * Parses chunks until some records (or the end) come out, and pushes them. It is done with the text
   * before it pushes, so a read that the pushing asks for starts the next pull.
   */
  private async pull(): Promise<void> {
    for (;;) {
      const next = await this.chunks.next();
      if (this.destroyed) return;
      const records = next.done ? await this.parser.end() : await this.parser.write(next.value);
      if (!next.done && !records.length) continue;
      this.pulling = false;
      for (const record of records) this.push(record);
      if (next.done) this.push(null);
      return;
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.parser.destroy();
    this.text.destroy();
    callback(error);
  }
}

/**
 * Reads `text` (a stream of Buffers or strings) as an object stream of {@link RawCsvRecord}, pulled
 * lazily. Destroying the returned stream destroys `text`.
 */
export function readCsvRecords(text: Readable, options: CsvOptions): Readable {
  return new CsvRecordStream(text, options);
}
