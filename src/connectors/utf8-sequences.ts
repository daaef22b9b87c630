/**
 * Finds, in UTF-8 bytes, every place that decodes to U+FFFD: each invalid sequence (a maximal subpart,
 * which Node's decoders replace by one U+FFFD, as the WHATWG Encoding standard says) and each U+FFFD
 * written validly (EF BF BD), which is data and must stay. Used only where a fast check (`isUtf8`) has
 * already failed or a decoded value holds U+FFFD, so a byte loop in JavaScript is fine here.
 */

/** One place in the bytes that decodes to one U+FFFD. */
export interface ReplacementSite {
  /** Offset of its first byte, counted from where the scan started. */
  offset: number;
  /** The invalid bytes (1 to 3 of them), or null for a validly written U+FFFD (EF BF BD). */
  invalid: readonly number[] | null;
}

/** Receives the sites in byte order. */
export type SiteSink = (site: ReplacementSite) => void;

/**
 * The UTF-8 decoder of the WHATWG Encoding standard, kept to the part that matters here: where each
 * U+FFFD of the decoded text comes from. Stateful, so bytes may come in chunks: a sequence cut by a
 * chunk boundary is completed (or found invalid) by the next chunk, and {@link finish} reports one left
 * open at the end.
 */
export class Utf8SiteScanner {
  /** Bytes of the sequence under way (at most 3), and the offset of its first byte. */
  private readonly pending: number[] = [];
  private pendingOffset = 0;
  private needed = 0;
  private lower = 0x80;
  private upper = 0xbf;

  /** True while a multi-byte sequence is open (started but not complete). */
  get open(): boolean {
    return this.needed > 0;
  }

  /**
   * Scans `bytes[from, to)`; `base` is the offset that `bytes[0]` has in the whole input, so that site
   * offsets count from the start of the input.
   */
  scan(bytes: Uint8Array, from: number, to: number, base: number, sink: SiteSink): void {
    for (let i = from; i < to; i++) {
      if (this.needed === 0) {
        while (i < to && bytes[i]! < 0x80) i++; // ASCII, most of any text: skipped in a tight loop
        if (i === to) return;
      }
      this.step(bytes[i]!, base + i, sink);
    }
  }

  /** Scans from `from` until no sequence is open (at most 3 bytes); returns where it stopped. */
  close(bytes: Uint8Array, from: number, base: number, sink: SiteSink): number {
    let i = from;
    while (this.needed > 0 && i < bytes.length) this.step(bytes[i]!, base + i++, sink);
    return i;
  }

  /** The end of the input: a sequence still open is invalid. */
  finish(sink: SiteSink): void {
    if (this.needed > 0) this.fail(sink);
  }

  private step(byte: number, offset: number, sink: SiteSink): void {
    if (this.needed === 0) {
      if (byte < 0x80) return;
      if (byte >= 0xc2 && byte <= 0xdf) this.start(byte, offset, 1);
      else if (byte >= 0xe0 && byte <= 0xef) {
        this.start(byte, offset, 2);
        if (byte === 0xe0) this.lower = 0xa0;
        if (byte === 0xed) this.upper = 0x9f;
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        this.start(byte, offset, 3);
        if (byte === 0xf0) this.lower = 0x90;
        if (byte === 0xf4) this.upper = 0x8f;
      } else sink({ offset, invalid: [byte] });
      return;
    }
    if (byte < this.lower || byte > this.upper) {
      // The open sequence is invalid as far as it went; this byte starts afresh.
      this.fail(sink);
      this.step(byte, offset, sink);
      return;
    }
    this.lower = 0x80;
    this.upper = 0xbf;
    this.pending.push(byte);
    if (this.pending.length - 1 < this.needed) return;
    const [a, b, c] = this.pending;
    if (this.needed === 2 && a === 0xef && b === 0xbf && c === 0xbd) {
      sink({ offset: this.pendingOffset, invalid: null });
    }
    this.reset();
  }

  private start(byte: number, offset: number, needed: number): void {
    this.needed = needed;
    this.pending.push(byte);
    this.pendingOffset = offset;
  }

  private fail(sink: SiteSink): void {
    sink({ offset: this.pendingOffset, invalid: this.pending.slice() });
    this.reset();
  }

  private reset(): void {
    this.needed = 0;
    this.pending.length = 0;
    this.lower = 0x80;
    this.upper = 0xbf;
  }
}

/** The sites of one whole value. */
export function utf8Sites(bytes: Uint8Array): ReplacementSite[] {
  const sites: ReplacementSite[] = [];
  const scanner = new Utf8SiteScanner();
  const sink: SiteSink = (site) => sites.push(site);
  scanner.scan(bytes, 0, bytes.length, 0, sink);
  scanner.finish(sink);
  return sites;
}

/**
 * Where the trailing bytes of `bytes[from, end)` start a sequence that the chunk does not complete (a
 * lead byte followed by fewer continuation bytes than it announces); `end` when there is none. The bytes
 * before it can be checked whole with `isUtf8`.
 */
export function openTailStart(bytes: Uint8Array, from = 0, end = bytes.length): number {
  for (let k = 1; k <= 3 && end - k >= from; k++) {
    const byte = bytes[end - k]!;
    if (byte >= 0x80 && byte <= 0xbf) continue; // a continuation byte: look further back
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > k ? end - k : end;
  }
  return end;
}
