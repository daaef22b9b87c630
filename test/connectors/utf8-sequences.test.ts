import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  openTailStart,
  utf8Sites,
  Utf8SiteScanner,
  type ReplacementSite,
} from '../../src/connectors/utf8-sequences.ts';

/** Rebuilds the decoded text from the sites: what Node's decoder must give for the sites to be right. */
function decodeBySites(bytes: Buffer, sites: ReplacementSite[]): string {
  let text = '';
  let at = 0;
  for (const site of sites) {
    text += bytes.subarray(at, site.offset).toString();
    text += '\uFFFD';
    at = site.offset + (site.invalid?.length ?? 3);
  }
  return text + bytes.subarray(at).toString();
}

/** A seeded generator of byte strings rich in the edges of UTF-8. */
function randomBytes(seed: number, length: number): Buffer {
  const pick = [0x41, 0x2c, 0x0a, 0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xa0, 0xed, 0x9f, 0xef, 0xbd];
  const more = [0xf0, 0x90, 0xf4, 0x8f, 0xf5, 0xff, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xbf, 0xfe];
  const bytes = Buffer.alloc(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const all = [...pick, ...more];
    bytes[i] = state % 7 === 0 ? state % 256 : all[state % all.length]!;
  }
  return bytes;
}

describe('UTF-8 replacement sites', () => {
  it('names invalid bytes and keeps a validly written U+FFFD apart', () => {
    const bytes = Buffer.from([0x63, 0xe9, 0xf0, 0x9f, 0x98, 0x2c, 0xef, 0xbf, 0xbd, 0xed, 0xa0, 0x80]);
    const sites = utf8Sites(bytes);
    assert.deepEqual(
      sites.map((s) => [s.offset, (s.invalid && Buffer.from(s.invalid).toString('hex')) ?? 'literal']),
      [
        [1, 'e9'],
        [2, 'f09f98'],
        [6, 'literal'],
        [9, 'ed'],
        [10, 'a0'],
        [11, '80'],
      ],
    );
    assert.equal(decodeBySites(bytes, sites), bytes.toString());
  });

  it('agrees with the decoder of Node on random bytes, whole and cut in chunks', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const bytes = randomBytes(seed, 1 + (seed % 40));
      const whole = utf8Sites(bytes);
      assert.equal(decodeBySites(bytes, whole), bytes.toString(), `seed ${seed}`);
      const chunked: ReplacementSite[] = [];
      const scanner = new Utf8SiteScanner();
      for (let from = 0; from < bytes.length; from += 1 + (seed % 5)) {
        const chunk = bytes.subarray(from, Math.min(from + 1 + (seed % 5), bytes.length));
        scanner.scan(chunk, 0, chunk.length, from, (s) => chunked.push(s));
      }
      scanner.finish((s) => chunked.push(s));
      assert.deepEqual(chunked, whole, `seed ${seed}`);
    }
  });

  it('finds where an unfinished sequence ends a chunk', () => {
    assert.equal(openTailStart(Buffer.from('abc')), 3);
    assert.equal(openTailStart(Buffer.from([0x61, 0xc3])), 1);
    assert.equal(openTailStart(Buffer.from([0x61, 0xc3, 0xa9])), 3);
    assert.equal(openTailStart(Buffer.from([0x61, 0xf0, 0x9f, 0x98])), 1);
    assert.equal(openTailStart(Buffer.from([0x61, 0xf0, 0x9f, 0x98, 0x80])), 5);
    assert.equal(openTailStart(Buffer.from([0x80, 0x80, 0x80])), 3);
  });
});
