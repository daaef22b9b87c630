import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import validator from 'validator';
import { describeFormat, FORMAT_NAMES, formatCheck, isFormatName } from '../../src/rules/formats.ts';

function accepts(check: (value: string) => boolean, values: string[]): void {
  for (const value of values) assert.equal(check(value), true, `${JSON.stringify(value)} should pass`);
}

function rejects(check: (value: string) => boolean, values: string[]): void {
  for (const value of values) assert.equal(check(value), false, `${JSON.stringify(value)} should fail`);
}

describe('format names', () => {
  it('knows exactly the five formats and describes each', () => {
    assert.deepEqual([...FORMAT_NAMES], ['email', 'iban', 'phone', 'isoDate', 'uuid']);
    assert.equal(isFormatName('iban'), true);
    assert.equal(isFormatName('IBAN'), false);
    assert.equal(isFormatName('date'), false);
    assert.equal(isFormatName(''), false);
    assert.deepEqual(
      FORMAT_NAMES.map((name) => describeFormat(name)),
      [
        'an e-mail address',
        'an IBAN (checksum verified)',
        'a phone number',
        'an ISO date (YYYY-MM-DD)',
        'a UUID',
      ],
    );
  });
});

describe('email', () => {
  const check = formatCheck('email');

  it('accepts addresses with a domain, also with a Unicode local part', () => {
    accepts(check, ['anna.mueller@example.com', 'a+tag@sub.example.co.uk', 'jürgen@beispiel.de']);
  });

  it('rejects addresses without a domain or local part, and other text', () => {
    rejects(check, ['anna@', 'anna', '@example.com', 'anna@localhost', 'anna@@example.com', 'a b@x.de', '']);
  });

  it('decides exactly as validator.isEmail, fast path or not', () => {
    const parts = ['a', 'a.b', 'a..b', '-a', 'a-', 'a_b', 'a+b', '1', 'x'.repeat(40), 'ü', '.a'];
    const domains = [
      'example.com',
      'ex-ample.de',
      '-ex.com',
      'ex-.com',
      'e.x.co',
      'x.c',
      'x.123',
      '1.2.3.4',
      'x'.repeat(30) + '.com',
      'xn--bcher-kva.ch',
      'ex_ample.com',
      'a.b-c.d-e.org',
    ];
    let compared = 0;
    for (const local of parts) {
      for (const domain of domains) {
        const address = `${local}@${domain}`;
        assert.equal(check(address), validator.isEmail(address), address);
        compared++;
      }
    }
    assert.equal(compared, parts.length * domains.length);
  });
});

describe('iban', () => {
  const check = formatCheck('iban');

  it('accepts valid IBANs, compact or in groups of four', () => {
    accepts(check, [
      'DE89370400440532013000',
      'DE89 3704 0044 0532 0130 00',
      'GB82WEST12345698765432',
      'GB82 WEST 1234 5698 7654 32',
      'FR1420041010050500013M02606',
    ]);
  });

  it('rejects a bad checksum, a wrong length or an unknown country', () => {
    rejects(check, [
      'DE88370400440532013000',
      'DE89 3704 0044 0532 0130 01',
      'GB81WEST12345698765432',
      'DE8937040044053201300',
      'XX89370400440532013000',
      'not an iban',
      '',
    ]);
  });
});

describe('phone', () => {
  it('accepts a German national number only with country DE', () => {
    assert.equal(formatCheck('phone', { country: 'DE' })('030 12345678'), true);
    assert.equal(formatCheck('phone')('030 12345678'), false);
    assert.equal(formatCheck('phone', { country: 'FR' })('030 12345678'), false);
  });

  it('accepts the international form with or without a country', () => {
    accepts(formatCheck('phone'), ['+49 30 12345678', '+493012345678', '+1 202 555 0143']);
    accepts(formatCheck('phone', { country: 'DE' }), ['+49 30 12345678', '+1 202 555 0143']);
  });

  it('rejects numbers that are too short or not numbers', () => {
    const check = formatCheck('phone', { country: 'DE' });
    rejects(check, ['030 1', '+49 1', 'call me', '']);
    rejects(formatCheck('phone'), ['12345678', '']);
  });

  it('refuses an unknown country when the check is built', () => {
    assert.throws(() => formatCheck('phone', { country: 'XX' }), /"XX" is not a country/);
  });
});

describe('isoDate', () => {
  const check = formatCheck('isoDate');

  it('accepts YYYY-MM-DD calendar dates, leap days included', () => {
    accepts(check, ['2024-01-02', '2024-02-29', '2000-02-29', '1999-12-31']);
  });

  it('rejects dates that do not exist', () => {
    rejects(check, ['2024-02-30', '2023-02-29', '1900-02-29', '2024-04-31', '2024-13-01', '2024-00-10']);
  });

  it('rejects every other layout', () => {
    rejects(check, [
      '2024-2-3',
      '20240203',
      '2024/02/03',
      '03.02.2024',
      '2024-02-03T00:00:00Z',
      '2024-02-03 ',
      ' 2024-02-03',
      '+2024-02-03',
      '',
    ]);
  });
});

describe('uuid', () => {
  const check = formatCheck('uuid');

  it('accepts any version in either case', () => {
    accepts(check, [
      '550e8400-e29b-41d4-a716-446655440000',
      '550E8400-E29B-41D4-A716-446655440000',
      'a8098c1a-f86e-11da-bd1a-00112444be1e',
      '01890a5d-ac96-774b-bcce-b302099a8057',
      '00000000-0000-0000-0000-000000000000',
    ]);
  });

  it('rejects other text', () => {
    rejects(check, [
      '550e8400e29b41d4a716446655440000',
      '550e8400-e29b-41d4-a716-44665544000',
      '{550e8400-e29b-41d4-a716-446655440000}',
      'g50e8400-e29b-41d4-a716-446655440000',
      '',
    ]);
  });
});
