import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkDateParseOptions,
  compileDateParser,
  type DateParseOptions,
} from '../../src/rules/parse-date.ts';
import { TransformError } from '../../src/rules/transform-error.ts';

function parse(options: DateParseOptions, values: unknown[]): string[] {
  const parser = compileDateParser(options);
  return values.map(parser);
}

/** The TransformError message a value gets, or fails the test when it parses. */
function rejection(options: DateParseOptions, value: unknown): string {
  const parser = compileDateParser(options);
  try {
    const result = parser(value);
    assert.fail(`expected ${JSON.stringify(value)} to be rejected, got ${result}`);
  } catch (error) {
    assert.ok(error instanceof TransformError, `expected a TransformError, got ${String(error)}`);
    return error.message;
  }
}

describe('parseDate formats', () => {
  it('reads German, US and compact dates, trying the formats in order', () => {
    const options: DateParseOptions = { formats: ['dd.MM.yyyy', 'M/d/yyyy', 'yyyyMMdd'], output: 'date' };
    assert.deepEqual(parse(options, ['31.01.2024', ' 1/5/2024 ', '12/31/2019', '20240229', 20240131]), [
      '2024-01-31',
      '2024-01-05',
      '2019-12-31',
      '2024-02-29',
      '2024-01-31',
    ]);
  });

  it('reads times and fractions into a timestamp, a fraction only when there is one', () => {
    const options: DateParseOptions = {
      formats: ['dd.MM.yyyy HH:mm:ss.SSS', 'M/d/yyyy h:mm a', 'dd.MM.yyyy'],
      output: 'timestamp',
    };
    assert.deepEqual(parse(options, ['31.01.2024 13:05:09.250', '1/31/2024 1:05 PM', '31.01.2024']), [
      '2024-01-31 13:05:09.250',
      '2024-01-31 13:05:00',
      '2024-01-31 00:00:00',
    ]);
  });

  it('reads month names in the locale and two-digit years with the Luxon pivot', () => {
    assert.deepEqual(
      parse({ formats: ['d. MMMM yyyy'], locale: 'de-DE', output: 'date' }, ['5. März 2024']),
      ['2024-03-05'],
    );
    assert.deepEqual(parse({ formats: ['dd.MM.yy'], output: 'date' }, ['01.02.60', '01.02.61', '01.02.05']), [
      '2060-02-01',
      '1961-02-01',
      '2005-02-01',
    ]);
  });

  it('reads one-digit months, days and times under lenient, where separators delimit them', () => {
    const strict: DateParseOptions = { formats: ['yyyy-MM-dd'], output: 'date' };
    assert.match(rejection(strict, '2006-5-12'), /"2006-5-12" matches none of the date formats yyyy-MM-dd/);
    const lenient: DateParseOptions = { ...strict, lenient: true };
    assert.deepEqual(parse(lenient, ['2006-5-12', '2006-05-12', '2006-12-1', '2006-1-2']), [
      '2006-05-12',
      '2006-05-12',
      '2006-12-01',
      '2006-01-02',
    ]);
    assert.match(
      rejection(lenient, '2006-13-1'),
      /matches none of the date formats yyyy-MM-dd \(as yyyy-MM-dd the month is out of range\)/,
    );
    assert.deepEqual(
      parse({ formats: ['dd.MM.yyyy HH:mm:ss.SSS'], output: 'timestamp', lenient: true }, [
        '1.2.2024 8:5:3.250',
      ]),
      ['2024-02-01 08:05:03.250'],
    );
    // Without separators the digits cannot be told apart: yyyyMMdd stays exact.
    assert.match(
      rejection({ formats: ['yyyyMMdd'], output: 'date', lenient: true }, '2006512'),
      /matches none/,
    );
  });

  it('writes the time of day', () => {
    assert.deepEqual(
      parse({ formats: ['HHmm', 'h:mm:ss.SSS a'], output: 'time' }, ['0730', '11:59:01.007 PM']),
      ['07:30:00', '23:59:01.007'],
    );
  });
});

describe('parseDate time zones', () => {
  const berlin = "yyyy-MM-dd'T'HH:mm";

  it('reads an offset in the text and writes timestamptz in UTC', () => {
    const options: DateParseOptions = {
      formats: ["yyyy-MM-dd'T'HH:mm:ssZZ", 'dd.MM.yyyy HH:mm'],
      timeZone: 'Europe/Berlin',
      output: 'timestamptz',
    };
    assert.deepEqual(
      parse(options, ['2024-01-31T23:30:00-05:00', '2024-07-01T00:00:00+05:30', '31.01.2024 10:00']),
      ['2024-02-01 04:30:00+00:00', '2024-06-30 18:30:00+00:00', '2024-01-31 09:00:00+00:00'],
    );
  });

  it('gives the calendar date in timeZone, converting only text that has an offset', () => {
    const options: DateParseOptions = {
      formats: ["yyyy-MM-dd'T'HH:mm:ssZZ", 'dd.MM.yyyy HH:mm'],
      timeZone: 'Europe/Berlin',
      output: 'date',
    };
    assert.deepEqual(parse(options, ['2024-01-31T23:30:00-05:00', '31.01.2024 23:30']), [
      '2024-02-01',
      '2024-01-31',
    ]);
  });

  it('converts a timestamp to toTimeZone, and keeps the wall time when it is the same zone', () => {
    const to = (toTimeZone?: string) =>
      parse({ formats: [berlin], timeZone: 'Europe/Berlin', toTimeZone, output: 'timestamp' }, [
        '2024-01-31T10:00',
        '2024-07-31T10:00',
      ]);
    assert.deepEqual(to('America/New_York'), ['2024-01-31 04:00:00', '2024-07-31 04:00:00']);
    assert.deepEqual(to('UTC'), ['2024-01-31 09:00:00', '2024-07-31 08:00:00']);
    assert.deepEqual(to(undefined), ['2024-01-31 10:00:00', '2024-07-31 10:00:00']);
  });

  it('moves a wall time in the spring DST gap forward and reads an ambiguous autumn one as standard time', () => {
    // Europe/Berlin 2024-03-31 02:00–03:00 does not exist: Luxon reads 02:30 as 03:30+02:00 (01:30 UTC).
    // 2024-10-27 02:00–03:00 happens twice: Luxon takes the second, standard time (+01:00, 01:30 UTC).
    const options: DateParseOptions = { formats: [berlin], timeZone: 'Europe/Berlin', output: 'timestamptz' };
    assert.deepEqual(
      parse(options, ['2024-03-31T01:59', '2024-03-31T02:30', '2024-03-31T03:00', '2024-10-27T02:30']),
      [
        '2024-03-31 00:59:00+00:00',
        '2024-03-31 01:30:00+00:00',
        '2024-03-31 01:00:00+00:00',
        '2024-10-27 01:30:00+00:00',
      ],
    );
    const local = parse(
      { formats: [berlin], timeZone: 'Europe/Berlin', toTimeZone: 'Europe/Berlin', output: 'timestamp' },
      ['2024-03-31T02:30'],
    );
    assert.deepEqual(
      local,
      ['2024-03-31 02:30:00'],
      'no conversion asked for: the wall time stays as written',
    );
  });
});

describe('parseDate pass-through and rejections', () => {
  it('passes a value already in the canonical form of the output through without trying the formats', () => {
    assert.deepEqual(parse({ formats: ['dd.MM.yyyy'], output: 'date' }, ['2024-01-31', ' 2024-02-29 ']), [
      '2024-01-31',
      '2024-02-29',
    ]);
    assert.deepEqual(parse({ formats: ['HH:mm'], output: 'time' }, ['12:30:00.5']), ['12:30:00.5']);
    assert.deepEqual(
      parse({ formats: ['dd.MM.yyyy'], timeZone: 'Europe/Berlin', toTimeZone: 'UTC', output: 'timestamp' }, [
        '2024-01-31 10:00:00',
      ]),
      ['2024-01-31 10:00:00'],
    );
    assert.deepEqual(
      parse({ formats: ['dd.MM.yyyy'], output: 'timestamptz' }, ['2024-01-31 10:00:00+01:00']),
      ['2024-01-31 10:00:00+01:00'],
    );
  });

  it('rejects a value that matches no format, naming the formats', () => {
    const options: DateParseOptions = { formats: ['dd.MM.yyyy', 'yyyyMMdd'], output: 'date' };
    assert.equal(
      rejection(options, 'yesterday'),
      '"yesterday" matches none of the date formats dd.MM.yyyy, yyyyMMdd',
    );
    assert.equal(
      rejection(options, '31.13.2019'),
      '"31.13.2019" matches none of the date formats dd.MM.yyyy, yyyyMMdd (as dd.MM.yyyy the month is out of range)',
    );
    assert.equal(
      rejection(options, 'x'.repeat(100)),
      `"${'x'.repeat(57)}…" matches none of the date formats dd.MM.yyyy, yyyyMMdd`,
    );
    assert.equal(rejection(options, 2024), '"2024" matches none of the date formats dd.MM.yyyy, yyyyMMdd');
    assert.equal(
      rejection(options, true),
      '"true" is not text or a number, so none of the date formats dd.MM.yyyy, yyyyMMdd applies',
    );
  });

  it('rejects an impossible calendar date and a canonical-looking one', () => {
    const options: DateParseOptions = { formats: ['dd.MM.yyyy', 'yyyyMMdd'], output: 'date' };
    assert.equal(
      rejection(options, '30.02.2024'),
      '"30.02.2024" matches none of the date formats dd.MM.yyyy, yyyyMMdd (as dd.MM.yyyy the day is out of range)',
    );
    assert.equal(
      rejection(options, 20230229),
      '"20230229" matches none of the date formats dd.MM.yyyy, yyyyMMdd (as yyyyMMdd the day is out of range)',
    );
    assert.equal(
      rejection(options, '00000101'),
      '"00000101" matches none of the date formats dd.MM.yyyy, yyyyMMdd (as yyyyMMdd the year is outside 1 to 9999)',
    );
    assert.match(rejection(options, '2024-02-30'), /^"2024-02-30" matches none of the date formats/);
  });
});

describe('checkDateParseOptions', () => {
  it('accepts good options, macro tokens and quoted literals', () => {
    assert.deepEqual(
      checkDateParseOptions({
        formats: ['dd.MM.yyyy', "yyyy-MM-dd'T'HH:mm:ssZZ", 'D', "dd.MM.yyyy 'um' HH:mm"],
        timeZone: 'Europe/Berlin',
        toTimeZone: 'UTC',
        locale: 'de-DE',
      }),
      [],
    );
  });

  it('names an unknown time zone with a suggestion, and an empty format list', () => {
    assert.deepEqual(
      checkDateParseOptions({ formats: [], timeZone: 'Europe/Berln', toTimeZone: 'Mars/Base' }),
      [
        'timeZone: "Europe/Berln" is not an IANA time zone (such as Europe/Berlin, America/New_York or UTC). Did you mean "Europe/Berlin"?',
        'toTimeZone: "Mars/Base" is not an IANA time zone (such as Europe/Berlin, America/New_York or UTC).',
        'formats: give at least one Luxon format, e.g. dd.MM.yyyy.',
      ],
    );
  });

  it('names formats without date or time tokens, with moment.js letters, or mixing AM/PM with 24 hours', () => {
    assert.deepEqual(checkDateParseOptions({ formats: ["'n/a'", 'YYYY-MM-DD', 'HH:mm a', ' '] }), [
      `format "'n/a'" has no date or time tokens; use Luxon tokens such as dd.MM.yyyy or HH:mm:ss.`,
      `format "YYYY-MM-DD": YYYY is not a Luxon token (Luxon uses yyyy, MM, dd, HH, mm, ss, SSS, ZZ); put literal text in single quotes, e.g. 'T'.`,
      'format "HH:mm a" mixes a (AM/PM) with the 24-hour H; use h or hh with a.',
      'formats: a format must not be empty.',
    ]);
  });

  it('names a format that cannot give the output, and compileDateParser refuses bad options', () => {
    assert.deepEqual(checkDateParseOptions({ formats: ['HH:mm'], output: 'date' }), [
      'format "HH:mm" has no date tokens, so it cannot give a date.',
    ]);
    assert.throws(
      () => compileDateParser({ formats: ['dd.MM.yyyy'], timeZone: 'Europe/Berln', output: 'date' }),
      (error: Error) => !(error instanceof TransformError) && /Europe\/Berln/.test(error.message),
    );
  });
});
