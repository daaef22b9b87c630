/**
 * Watches the bytes of a text file on their way to the parser and notes, with its line, every place
 * that decodes to U+FFFD: invalid bytes (which the decoder replaces) and, in UTF-8, a U+FFFD written
 * validly (which is data). The reader asks for the places within a record's lines; only then does it
 * look at the record's values (see csv-invalid-text.ts, jsonl-invalid-text.ts).
 *
 * The happy path costs one native check per chunk (`isUtf8`, `isAscii`, or a byte search) plus finding
 * the line breaks; nothing per record beyond one comparison, and no value is decoded twice.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import iconv from 'iconv-lite';
import { openTailStart, Utf8SiteScanner, type ReplacementSite } from '../utf8-sequences.ts';
import { UTF8 } from './text-encoding.ts';

/** A place in a file that decodes to one U+FFFD. */
export interface FileSite {
  /** 1-based line of its first byte. */
  line: number;
  /** The invalid bytes, or null for a validly written U+FFFD (UTF-8 only). */
  invalid: readonly number[] | null;
}

/** How the bytes of an encoding are checked. */
type ByteCheck =
  | { kind: 'utf8' }
  /** A single-byte encoding whose bytes 0x00–0x7F are ASCII: `invalid` lists the bytes it cannot decode. */
  | { kind: 'single-byte'; invalid: Uint8Array; values: number[]; ascii: boolean };

const REPLACEMENT_BYTES = Buffer.from([0xef, 0xbf, 0xbd]);
const LF = 10;
const CR = 13;

/** Single-byte checks by encoding name, worked out once. */
const CHECKS = new Map<string, ByteCheck | null>();

/**
 * How bytes of `encoding` are checked, or null when they need no check (every byte decodes, as in
 * latin1) or cannot be checked byte by byte here (multi-byte encodings other than UTF-8).
 */
function byteCheckOf(encoding: string): ByteCheck | null {
  if (encoding === UTF8) return { kind: 'utf8' };
  if (!CHECKS.has(encoding)) CHECKS.set(encoding, singleByteCheck(encoding));
  return CHECKS.get(encoding)!;
}

/** The check of a single-byte encoding that is ASCII below 0x80 and has bytes it cannot decode; else null. */
function singleByteCheck(encoding: string): ByteCheck | null {
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const text = iconv.decode(all, encoding);
  // One character per byte, whatever the bytes around it, and ASCII below 0x80 (so lines end in LF/CR).
  const probe = Buffer.from([0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80]);
  if (text.length !== 256 || iconv.decode(probe, encoding).length !== probe.length) return null;
  if (text.slice(0, 128) !== all.subarray(0, 128).toString('latin1')) return null;
  const invalid = new Uint8Array(256);
  const values: number[] = [];
  for (let i = 0; i < 256; i++) {
    if (text.charCodeAt(i) !== 0xfffd) continue;
    invalid[i] = 1;
    values.push(i);
  }
  if (!values.length) return null;
  const ascii = values.length === 128 && values[0] === 0x80;
  return { kind: 'single-byte', invalid, values, ascii };
}

/**
 * The sites of one file, in file order, for a reader that consumes them record by record. Create one per
 * file read with {@link createInvalidBytesTracker}, put its {@link stream} between the file and the
 * decoder, and call {@link take} for each record.
 */
export class InvalidBytesTracker {
  private readonly sites: FileSite[] = [];
  private head = 0;
  /** The line at the start of the next chunk. */
  private line = 1;
  /** The last chunk ended in CR, whose line break counts only if no LF follows. */
  private endedInCr = false;
  private offset = 0;
  private readonly scanner = new Utf8SiteScanner();

  /** The length of a text in the file's encoding, in bytes. */
  readonly byteLength: (text: string) => number;
  /** The encoding's name in messages: `UTF-8`, or the name the spec gives. */
  readonly label: string;

  /**
   * @param countLoneCr a CR not followed by LF ends a line too (CSV), or only LF does (JSON Lines)
   */
  constructor(
    encoding: string,
    private readonly check: ByteCheck,
    private readonly countLoneCr: boolean,
  ) {
    this.label = encoding === UTF8 ? 'UTF-8' : encoding;
    this.byteLength = check.kind === 'utf8' ? (text) => Buffer.byteLength(text) : (text) => text.length;
  }

  /** True while sites wait to be taken: only then does a reader need to call {@link take}. */
  get pending(): boolean {
    return this.head < this.sites.length;
  }

  /** A pass-through stream that notes the sites of the bytes going through it. */
  stream(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _encoding, done: TransformCallback) => {
        this.noteChunk(chunk);
        done(null, chunk);
      },
      flush: (done: TransformCallback) => {
        this.scanner.finish((site) => this.sites.push({ line: this.line, invalid: site.invalid }));
        done();
      },
    });
  }

  /**
   * The sites on lines `first` to `last` (inclusive), in order, or null when there are none; sites on
   * earlier lines (lines the reader skipped) are dropped. Constant time when the file has no site.
   */
  take(first: number, last: number): FileSite[] | null {
    if (this.head === this.sites.length) return null;
    while (this.head < this.sites.length && this.sites[this.head]!.line < first) this.head++;
    const start = this.head;
    while (this.head < this.sites.length && this.sites[this.head]!.line <= last) this.head++;
    const taken = start === this.head ? null : this.sites.slice(start, this.head);
    if (this.head >= 4096) {
      // The parser runs a chunk ahead of the reader: drop what was taken, keep the queue short.
      this.sites.splice(0, this.head);
      this.head = 0;
    }
    return taken;
  }

  private noteChunk(chunk: Buffer): void {
    if (this.endedInCr && chunk.length && chunk[0] !== LF) this.line++;
    this.endedInCr = false;
    const found: ReplacementSite[] = [];
    const sink = (site: ReplacementSite) => found.push(site);
    if (this.check.kind === 'utf8') this.findUtf8(chunk, sink);
    else this.findSingleByte(chunk, this.check, sink);
    // Lines: counted up to each site, then to the end of the chunk.
    let at = 0;
    for (const site of found) {
      const relative = site.offset - this.offset;
      if (relative > at) {
        this.line += this.countBreaks(chunk, at, relative);
        at = relative;
      }
      this.sites.push({ line: this.line, invalid: site.invalid });
    }
    this.line += this.countBreaks(chunk, at, chunk.length);
    if (this.countLoneCr && chunk.length && chunk[chunk.length - 1] === CR) this.endedInCr = true;
    this.offset += chunk.length;
  }

  private findUtf8(chunk: Buffer, sink: (site: ReplacementSite) => void): void {
    const base = this.offset;
    const from = this.scanner.open ? this.scanner.close(chunk, 0, base, sink) : 0;
    const tail = openTailStart(chunk, from);
    if (isUtf8(chunk.subarray(from, tail))) {
      for (let p = chunk.indexOf(REPLACEMENT_BYTES, from); p !== -1 && p < tail;) {
        sink({ offset: base + p, invalid: null });
        p = chunk.indexOf(REPLACEMENT_BYTES, p + 3);
      }
    } else {
      this.scanner.scan(chunk, from, tail, base, sink);
    }
    this.scanner.scan(chunk, tail, chunk.length, base, sink);
  }

  private findSingleByte(
    chunk: Buffer,
    check: Extract<ByteCheck, { kind: 'single-byte' }>,
    sink: (site: ReplacementSite) => void,
  ): void {
    const clean = check.ascii ? isAscii(chunk) : check.values.every((value) => chunk.indexOf(value) === -1);
    if (clean) return;
    for (let i = 0; i < chunk.length; i++) {
      if (check.invalid[chunk[i]!]) sink({ offset: this.offset + i, invalid: [chunk[i]!] });
    }
  }

  /** Line breaks in `chunk[from, to)`: LF, and a CR not followed by LF where lone CRs count. */
  private countBreaks(chunk: Buffer, from: number, to: number): number {
    let count = 0;
    for (let p = chunk.indexOf(LF, from); p !== -1 && p < to; p = chunk.indexOf(LF, p + 1)) count++;
    if (!this.countLoneCr) return count;
    for (let p = chunk.indexOf(CR, from); p !== -1 && p < to; p = chunk.indexOf(CR, p + 1)) {
      // A CR ending the chunk is settled by the next chunk's first byte.
      if (p + 1 < chunk.length && chunk[p + 1] !== LF) count++;
    }
    return count;
  }
}

/**
 * A tracker for a file in `encoding`, or null when its bytes need no check (every byte decodes) or
 * cannot be checked here (multi-byte encodings other than UTF-8, whose invalid bytes still read as
 * U+FFFD; see the README).
 */
export function createInvalidBytesTracker(
  encoding: string,
  countLoneCr: boolean,
): InvalidBytesTracker | null {
  const check = byteCheckOf(encoding);
  return check && new InvalidBytesTracker(encoding, check, countLoneCr);
}
