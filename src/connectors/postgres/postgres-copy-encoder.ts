/**
 * Encodes canonical values (see CanonicalValue) as PostgreSQL `COPY … FROM STDIN` text format: fields
 * separated by tabs, rows ended by a newline, NULL as `\N`, and backslash, tab, newline and carriage
 * return escaped. Rows are written straight into large reused Buffers (encodeCopyChunks), so a batch is
 * sent in a few big writes without a string per value; the string forms below serve arrays and tests.
 */
import type { RowBatch } from '../connector.ts';

/** Characters COPY text format must escape inside a field. */
const COPY_SPECIAL_ALL = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * Escapes a field's text for COPY text format. Most text needs no escaping: four `includes` scans
 * (vectorized in V8) find that out about five times faster than a character-class regex on long text.
 */
export function escapeCopyText(text: string): string {
  return hasCopySpecial(text) ? text.replace(COPY_SPECIAL_ALL, (c) => COPY_ESCAPES[c]!) : text;
}

function hasCopySpecial(text: string): boolean {
  return text.includes('\\') || text.includes('\t') || text.includes('\n') || text.includes('\r');
}

/** From this length on, text without special characters is encoded by Buffer's native UTF-8 writer. */
const NATIVE_TEXT = 32;

/** A number as PostgreSQL reads it back exactly (`-0`, `NaN`, `Infinity`, `-Infinity` included). */
function numberText(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

/** An element inside an array literal: quoted, with `\` and `"` escaped, or NULL. */
function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (Array.isArray(value)) return arrayLiteral(value);
  if (typeof value === 'string') return `"${value.replace(/[\\"]/g, '\\$&')}"`;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'bigint') return value.toString();
  // bytea input `\x…`; the backslash is escaped once for the array literal.
  if (Buffer.isBuffer(value)) return `"\\\\x${value.toString('hex')}"`;
  return `"${otherText(value).replace(/[\\"]/g, '\\$&')}"`;
}

/** A PostgreSQL array literal such as `{"a","b\"c",NULL}`; nested arrays give a multidimensional one. */
export function arrayLiteral(values: readonly unknown[]): string {
  let text = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) text += ',';
    text += arrayElement(values[i]);
  }
  return `${text}}`;
}

/** Values outside the canonical forms: dates as ISO text, objects as JSON, anything else as text. */
function otherText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** One value as a COPY text field (already escaped). */
export function encodeCopyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  switch (typeof value) {
    case 'string':
      return escapeCopyText(value);
    case 'number':
      return numberText(value);
    case 'boolean':
      return value ? 't' : 'f';
    case 'bigint':
      return value.toString();
  }
  // bytea hex input is `\x0a…`; in COPY text the backslash itself must be doubled.
  if (Buffer.isBuffer(value)) return `\\\\x${value.toString('hex')}`;
  if (Array.isArray(value)) return escapeCopyText(arrayLiteral(value));
  return escapeCopyText(otherText(value));
}

/** One row as a COPY text line, newline included; `width` columns (missing values are NULL). */
export function encodeCopyRow(row: readonly unknown[], width: number): string {
  let line = width > 0 ? encodeCopyField(row[0]) : '';
  for (let i = 1; i < width; i++) line += `\t${encodeCopyField(row[i])}`;
  return `${line}\n`;
}

/** Size of the Buffers COPY text is written into; a batch is sent in chunks of this size. */
export const DEFAULT_CHUNK_BYTES = 256 * 1024;

/**
 * The chunk Buffers of one COPY writer, reused from batch to batch. A chunk handed to a COPY may be
 * written again only once that COPY has finished (the server confirmed it, so the socket sent every
 * byte); after a failure the socket may still hold them, so they are forgotten instead.
 */
export class CopyBuffers {
  private readonly free: Buffer[] = [];
  private readonly lent: Buffer[] = [];
  private busy = false;

  /** Bytes per Buffer, at least 64 (room for any number's text). */
  readonly size: number;

  constructor(
    size = DEFAULT_CHUNK_BYTES,
    /** How many Buffers are kept for reuse; a larger batch allocates the rest. */
    private readonly keep = 8,
  ) {
    this.size = Math.max(64, size);
  }

  /** These buffers for one COPY, or fresh ones when another COPY of the writer is still using them. */
  acquire(): CopyBuffers {
    if (this.busy) return new CopyBuffers(this.size, 0);
    this.busy = true;
    return this;
  }

  take(): Buffer {
    const buffer = this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
    this.lent.push(buffer);
    return buffer;
  }

  /** The COPY that used the lent Buffers finished: they may be written again. */
  recycle(): void {
    for (const buffer of this.lent) if (this.free.length < this.keep) this.free.push(buffer);
    this.lent.length = 0;
    this.busy = false;
  }

  /** The COPY failed: the lent Buffers are never written again. */
  discard(): void {
    this.lent.length = 0;
    this.busy = false;
  }
}

/**
 * Writes `text` escaped for COPY as UTF-8 at `at` (room for 3 bytes per UTF-16 unit is the caller's
 * job) and returns the position after it. Lone surrogates become U+FFFD, as in Buffer.from.
 */
function writeText(buffer: Buffer, at: number, text: string): number {
  let p = at;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x20 && c !== 0x5c) {
        buffer[p++] = c;
      } else {
        const escaped = c === 0x5c ? 0x5c : c === 0x09 ? 0x74 : c === 0x0a ? 0x6e : c === 0x0d ? 0x72 : 0;
        if (escaped) buffer[p++] = 0x5c;
        buffer[p++] = escaped || c;
      }
    } else if (c < 0x800) {
      buffer[p++] = 0xc0 | (c >> 6);
      buffer[p++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < n ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          const point = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          buffer[p++] = 0xf0 | (point >> 18);
          buffer[p++] = 0x80 | ((point >> 12) & 0x3f);
          buffer[p++] = 0x80 | ((point >> 6) & 0x3f);
          buffer[p++] = 0x80 | (point & 0x3f);
          i++;
          continue;
        }
        c = 0xfffd;
      }
      buffer[p++] = 0xe0 | (c >> 12);
      buffer[p++] = 0x80 | ((c >> 6) & 0x3f);
      buffer[p++] = 0x80 | (c & 0x3f);
    }
  }
  return p;
}

const HEX = Buffer.from('0123456789abcdef');

/** Writes COPY text straight into the Buffers of a CopyBuffers; full ones are gathered in `chunks`. */
class CopyTextEncoder {
  readonly chunks: Buffer[] = [];
  private buffer: Buffer;
  private pos = 0;

  constructor(private readonly buffers: CopyBuffers) {
    this.buffer = buffers.take();
  }

  /** Room for `bytes` more (at most the buffer size): a full buffer becomes a chunk. */
  private room(bytes: number): void {
    if (this.buffer.length - this.pos >= bytes) return;
    if (this.pos > 0) this.chunks.push(this.buffer.subarray(0, this.pos));
    this.buffer = this.buffers.take();
    this.pos = 0;
  }

  /** The text written since the last full buffer, if any. */
  rest(): Buffer | undefined {
    return this.pos > 0 ? this.buffer.subarray(0, this.pos) : undefined;
  }

  /** Raw bytes, split across buffers when they do not fit. */
  private bytes(data: Buffer): void {
    for (let from = 0; from < data.length;) {
      this.room(1);
      const n = Math.min(data.length - from, this.buffer.length - this.pos);
      data.copy(this.buffer, this.pos, from, from + n);
      this.pos += n;
      from += n;
    }
  }

  /** ASCII text that needs no escaping (numbers, booleans). */
  private ascii(text: string): void {
    if (text.length > this.buffer.length) return this.bytes(Buffer.from(text, 'latin1'));
    this.room(text.length);
    const buffer = this.buffer;
    let p = this.pos;
    for (let i = 0; i < text.length; i++) buffer[p++] = text.charCodeAt(i);
    this.pos = p;
  }

  private text(text: string): void {
    const worst = text.length * 3;
    if (worst > this.buffer.length) return this.bytes(Buffer.from(escapeCopyText(text), 'utf8'));
    this.room(worst);
    // Longer text without special characters is encoded natively (vectorized); short text by the loop,
    // which costs less than a call into C++.
    if (text.length >= NATIVE_TEXT && !hasCopySpecial(text))
      this.pos += this.buffer.write(text, this.pos, 'utf8');
    else this.pos = writeText(this.buffer, this.pos, text);
  }

  private integer(value: number): void {
    this.room(11);
    const buffer = this.buffer;
    let p = this.pos;
    let rest = value;
    if (rest < 0) {
      buffer[p++] = 0x2d;
      rest = -rest;
    }
    let digits = 1;
    for (let t = rest; t >= 10; t = Math.floor(t / 10)) digits++;
    for (let k = p + digits - 1; k >= p; k--) {
      buffer[k] = 0x30 + (rest % 10);
      rest = Math.floor(rest / 10);
    }
    this.pos = p + digits;
  }

  private bytea(value: Buffer): void {
    // bytea hex input is `\x0a…`; in COPY text the backslash itself is doubled.
    if (3 + value.length * 2 > this.buffer.length) return this.bytes(Buffer.from(encodeCopyField(value)));
    this.room(3 + value.length * 2);
    const buffer = this.buffer;
    let p = this.pos;
    buffer[p++] = 0x5c;
    buffer[p++] = 0x5c;
    buffer[p++] = 0x78;
    for (let i = 0; i < value.length; i++) {
      const b = value[i]!;
      buffer[p++] = HEX[b >> 4]!;
      buffer[p++] = HEX[b & 0x0f]!;
    }
    this.pos = p;
  }

  private byte(code: number): void {
    this.room(1);
    this.buffer[this.pos++] = code;
  }

  private field(value: unknown): void {
    if (value === null || value === undefined) return this.ascii('\\N');
    switch (typeof value) {
      case 'string':
        return this.text(value);
      case 'number':
        // Whole numbers of 32 bits (not -0) are written digit by digit, the rest as JavaScript prints them.
        if ((value | 0) === value && (value !== 0 || 1 / value > 0)) return this.integer(value);
        return this.ascii(encodeCopyField(value));
      case 'boolean':
        return this.byte(value ? 0x74 : 0x66);
      case 'bigint':
        return this.ascii(value.toString());
    }
    if (Buffer.isBuffer(value)) return this.bytea(value);
    return this.text(Array.isArray(value) ? arrayLiteral(value) : otherText(value));
  }

  /** One row, `width` fields (missing values are NULL), newline included. */
  row(row: readonly unknown[], width: number): void {
    for (let i = 0; i < width; i++) {
      if (i > 0) this.byte(0x09);
      this.field(row[i]);
    }
    this.byte(0x0a);
  }
}

/**
 * The rows of a batch as COPY text, in UTF-8 chunks of `buffers.size` bytes (the last one shorter; a
 * chunk may end inside a row, which COPY accepts). Lazy, so encoding interleaves with writing. The
 * chunks are the buffers' own memory: see CopyBuffers for when they may be reused.
 */
export function* encodeCopyChunks(
  batch: RowBatch,
  width: number,
  buffers: CopyBuffers = new CopyBuffers(),
): Generator<Buffer> {
  const encoder = new CopyTextEncoder(buffers);
  for (const row of batch) {
    encoder.row(row, width);
    while (encoder.chunks.length) yield encoder.chunks.shift()!;
  }
  const rest = encoder.rest();
  if (rest) yield rest;
}
