import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { hashValue, maskEmail, maskPartial, redactValue, tokenize } from '../../src/rules/masking.ts';

const IBAN = 'DE89 3704 0044 0532 0130 00';

/** The shape of a text: 9 for a digit, a/A for a lower/upper letter, anything else itself. */
function shape(text: string): string {
  return text
    .replace(/\p{Nd}/gu, '9')
    .replace(/\p{Lu}/gu, 'A')
    .replace(/\p{Ll}/gu, 'a');
}

describe('hashValue', () => {
  it('is the first 32 hex characters of HMAC-SHA256 keyed with the salt', () => {
    // openssl: printf anna | openssl dgst -sha256 -hmac s1
    assert.equal(hashValue('anna', 's1'), '1b430589dd0b26daf41bec3f6736ee56');
    assert.equal(hashValue('', 's1'), '9f0830d3bbdad1ddeb10a01600d81e92');
  });

  it('is deterministic per salt so hashed keys still join, and depends on the salt', () => {
    assert.equal(hashValue('Jürgen', 'salt'), hashValue('Jürgen', 'salt'));
    assert.notEqual(hashValue('Jürgen', 'salt'), hashValue('Jürgen', 'other salt'));
    assert.notEqual(hashValue('Jürgen', 'salt'), hashValue('Jurgen', 'salt'));
    assert.match(hashValue('😀', 'salt'), /^[0-9a-f]{32}$/);
  });
});

describe('redactValue', () => {
  it('returns [REDACTED] or the given replacement', () => {
    assert.equal(redactValue('Anna Müller'), '[REDACTED]');
    assert.equal(redactValue('', 'xxx'), 'xxx');
    assert.equal(redactValue('secret', ''), '');
  });
});

describe('maskPartial', () => {
  it('keeps the last four letters/digits by default and every separator in place', () => {
    assert.equal(maskPartial(IBAN, {}), '**** **** **** **** **30 00');
    assert.equal(maskPartial('4111-1111-1111-1234', {}), '****-****-****-1234');
    assert.equal(maskPartial('+49 (30) 123.456', {}), '+** (**) **3.456');
  });

  it('counts keepFirst and keepLast in letters and digits and uses the given char', () => {
    assert.equal(maskPartial(IBAN, { keepFirst: 4, keepLast: 2, char: '#' }), 'DE89 #### #### #### #### 00');
    assert.equal(maskPartial('ab-cd', { keepFirst: 1, keepLast: 1 }), 'a*-*d');
    assert.equal(maskPartial('secret', { keepLast: 0 }), '******');
  });

  it('returns the value unchanged when there is nothing left to mask', () => {
    assert.equal(maskPartial('1234', {}), '1234');
    assert.equal(maskPartial('12-3', { keepFirst: 2, keepLast: 2 }), '12-3');
    assert.equal(maskPartial('', {}), '');
    assert.equal(maskPartial('-- --', { keepLast: 0 }), '-- --');
  });

  it('treats Unicode letters and digits as one character each and keeps emoji as separators', () => {
    assert.equal(maskPartial('Jürgen Müller', { keepFirst: 1, keepLast: 1 }), 'J***** *****r');
    assert.equal(maskPartial('Łódź', { keepLast: 1 }), '***ź');
    assert.equal(maskPartial('😀 1234-5678', { keepLast: 2 }), '😀 ****-**78');
    assert.equal(maskPartial('漢字かな', { keepFirst: 1, keepLast: 0 }), '漢***');
    assert.equal(maskPartial('١٢٣٤٥', { keepLast: 1 }), '****٥', 'Arabic-Indic digits are digits');
  });

  it('masks a combining accent with its letter instead of leaking it', () => {
    assert.equal(maskPartial('Ju\u0308rgen', { keepLast: 0 }), '******');
    assert.equal(maskPartial('Ju\u0308rgen', { keepFirst: 2, keepLast: 0 }), 'Ju\u0308****');
  });
});

describe('maskEmail', () => {
  it('keeps the first character of the local part and the whole domain', () => {
    assert.equal(maskEmail('anna.mueller@example.com'), 'a***********@example.com');
    assert.equal(maskEmail('a@example.com'), 'a@example.com');
    assert.equal(maskEmail('bob@x.de', '#'), 'b##@x.de');
  });

  it('counts the local part in characters, not UTF-16 units', () => {
    assert.equal(maskEmail('jürgen@beispiel.de'), 'j*****@beispiel.de');
    assert.equal(maskEmail('😀x😀@a.de'), '😀**@a.de');
  });

  it('masks text without @ entirely, separators kept', () => {
    assert.equal(maskEmail('not-an-address'), '***-**-*******');
    assert.equal(maskEmail('Jürgen', '#'), '######');
    assert.equal(maskEmail(''), '');
  });

  it('keeps an empty local part and splits at the last @', () => {
    assert.equal(maskEmail('@example.com'), '@example.com');
    assert.equal(maskEmail('"a@b"@example.com'), '"****@example.com');
  });
});

describe('tokenize', () => {
  it('gives a fixed token for a value and key (tokens must stay stable across releases)', () => {
    assert.equal(tokenize(IBAN, 'k'), 'VE64 3770 0780 6350 7409 69');
  });

  it('derives characters from HMAC-SHA256(key, value), then counter-mode blocks', () => {
    const value = '1'.repeat(100);
    const block0 = createHmac('sha256', 'k').update(value).digest();
    const counter = (n: number) => Buffer.from([0, 0, 0, n]);
    const blocks = [
      block0,
      ...[1, 2, 3].map((n) => createHmac('sha256', 'k').update(value).update(counter(n)).digest()),
    ];
    const expected = [...Buffer.concat(blocks).subarray(0, 100)].map((b) => String(b % 10)).join('');
    const token = tokenize(value, 'k');
    assert.equal(token, expected);
    assert.notEqual(token.slice(0, 32), token.slice(32, 64), 'the key stream does not repeat');
  });

  it('is deterministic and depends on both value and key', () => {
    assert.equal(tokenize('Anna Müller', 'key'), tokenize('Anna Müller', 'key'));
    assert.notEqual(tokenize('Anna Müller', 'key'), tokenize('Anna Müller', 'other key'));
    assert.notEqual(tokenize('Anna Müller', 'key'), tokenize('Anna Mueller', 'key'));
  });

  it('keeps the format: digits stay digits, letters keep their case, separators and length stay', () => {
    for (const value of [IBAN, '+49 (30) 123-456', 'Müller-Lüdenscheidt, Jürgen', 'AB-12.cd/34_x']) {
      const token = tokenize(value, 'key');
      assert.equal(token.length, value.length);
      assert.equal(shape(token), shape(value));
      assert.match(token, /^[\x20-\x7e]*$/u, 'letters become ASCII letters');
      assert.notEqual(token, value);
    }
  });

  it('maps Unicode letters to ASCII letters of the same case and keeps emoji', () => {
    const token = tokenize('Jürgen 😀 Ölçü', 'key');
    assert.match(token, /^[A-Z][a-z]{5} 😀 [A-Z][a-z]{3}$/u);
    assert.match(tokenize('漢字', 'key'), /^[a-z]{2}$/, 'caseless letters become lower case');
    assert.match(tokenize('١٢٣', 'key'), /^[0-9]{3}$/);
    assert.match(
      tokenize('Ju\u0308rgen', 'key'),
      /^[A-Z][a-z]{5}$/,
      'a combining accent goes with its letter',
    );
  });

  it('gives distinct tokens for distinct values', () => {
    const tokens = new Set<string>();
    for (let i = 0; i < 1000; i++) tokens.add(tokenize(`DE${String(i).padStart(16, '0')}`, 'key'));
    assert.equal(tokens.size, 1000);
  });

  it('leaves text without letters or digits, and the empty string, as it is', () => {
    assert.equal(tokenize('', 'key'), '');
    assert.equal(tokenize(' -/😀', 'key'), ' -/😀');
  });
});
