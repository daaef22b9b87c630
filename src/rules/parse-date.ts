/**
 * The `parseDate` transform step: reads legacy date/time text with explicit Luxon formats and time zones
 * and writes the canonical form of the target column (see CanonicalValue): date → `YYYY-MM-DD`,
 * time → `HH:MM:SS[.fff]`, timestamp → `YYYY-MM-DD HH:MM:SS[.fff]`, timestamptz → the same in UTC with
 * `+00:00`. A value no format can read throws TransformError, which rejects the row.
 *
 * Zone rules, decided once per format when the step is compiled:
 * - a format with an offset token (`Z`, `ZZ`, `ZZZ`, or `z` for a zone name) is read in the offset the
 *   text gives; any other format is read as wall time in `timeZone` (default UTC);
 * - no conversion happens where none is asked for: a `date` output is the date as written (converted to
 *   `timeZone` only when the text has an offset), a `timestamp` output keeps the wall time as written when
 *   `toTimeZone` is `timeZone` (even a time that does not exist in that zone), and a `time` output of a
 *   format without a date keeps the time as written;
 * - across a DST change, Luxon decides: a wall time in the spring gap (Europe/Berlin 2024-03-31 02:30) is
 *   moved forward by the gap (03:30+02:00), an ambiguous one in autumn (2024-10-27 02:30) is read in
 *   standard time (+01:00).
 *
 * Two-digit years (`yy`) follow Luxon's default pivot (`Settings.twoDigitCutoffYear` = 60): 00–60 are
 * 2000–2060, 61–99 are 1961–1999. A literal `Z` after the time (ISO "UTC") is not an offset token for
 * Luxon: quote it (`yyyy-MM-dd'T'HH:mm:ss'Z'`) and keep `timeZone` at UTC.
 */
import {
  DateTime,
  FixedOffsetZone,
  IANAZone,
  Info,
  type DateTimeOptions,
  type TokenParser,
  type Zone,
} from 'luxon';
import { validDate, validTime } from '../core/coerce.ts';
import { didYouMean } from '../core/suggest.ts';
import { TransformError } from './transform-error.ts';

export interface DateParseOptions {
  /** Luxon format tokens, tried in order, e.g. ['dd.MM.yyyy', 'yyyyMMdd', 'M/d/yyyy HH:mm']. At least one. */
  formats: string[];
  /** IANA zone the text is written in (default 'UTC'); used when the format has no offset of its own. */
  timeZone?: string;
  /**
   * Zone in which a `timestamp` (no offset) output is written; default: the same as timeZone (wall time
   * unchanged).
   */
  toTimeZone?: string;
  /** The canonical form to produce. */
  output: 'date' | 'timestamp' | 'timestamptz' | 'time';
  /** Luxon locale for month/day names (default 'en-US'). */
  locale?: string;
  /**
   * Two-digit tokens between separators (MM, dd, HH, hh, mm, ss) also read one digit: `2006-5-12` under
   * `yyyy-MM-dd`. Tokens without a separator beside them (`yyyyMMdd`) stay exact.
   */
  lenient?: boolean;
}

type DateOutput = DateParseOptions['output'];

/** What one format's tokens can say, after Luxon has expanded its macro tokens (`D`, `f`, `T` …). */
interface FormatTokens {
  hasDate: boolean;
  hasTime: boolean;
  hasOffset: boolean;
  /** Letter runs Luxon would silently match as literal text (`YYYY`, `SS`): a moment.js habit. */
  unknown: string[];
  meridiemWith24Hour: boolean;
}

/** One format, ready to parse with: Luxon's parser and options, and how to write what it read. */
interface CompiledFormat {
  format: string;
  parser: TokenParser;
  options: DateTimeOptions;
  /** Zone to convert the parsed moment to before writing it; undefined: write the fields as read. */
  target: Zone | undefined;
}

const DEFAULT_LOCALE = 'en-US';
/** Every token Luxon parses (after macro expansion); any other letter run is matched as literal text. */
const PARSE_TOKENS = new Set(
  (
    'G GG y yy yyyy yyyyy yyyyyy M MM MMM MMMM L LL LLL LLLL d dd o ooo H HH h hh m mm q qq s ss S SSS ' +
    'u uu uuu a kk kkkk W WW E EEE EEEE c ccc cccc Z ZZ ZZZ z'
  ).split(' '),
);
const DATE_LETTERS = new Set(['y', 'M', 'L', 'd', 'o', 'k', 'W', 'q']);
const TIME_LETTERS = new Set(['H', 'h', 'm', 's', 'S', 'u']);
const OFFSET_LETTERS = new Set(['Z', 'z']);
const LETTERS = /^[A-Za-z]+$/;
const UTC = FixedOffsetZone.utcInstance;

const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_TEXT = /^(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?$/;
const TIMESTAMP_TEXT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?$/;
const TIMESTAMPTZ_TEXT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?[+-](\d{2}):(\d{2})$/;

function show(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}…` : text);
}

/** Whether `text` already is the canonical form of `output` (a real date and time of day). */
const IS_CANONICAL: Record<DateOutput, (text: string) => boolean> = {
  date: (text) => {
    const m = text.length === 10 ? DATE_TEXT.exec(text) : null;
    return m !== null && validDate(Number(m[1]), Number(m[2]), Number(m[3]));
  },
  time: (text) => {
    const m = TIME_TEXT.exec(text);
    return m !== null && validTime(Number(m[1]), Number(m[2]), Number(m[3]));
  },
  timestamp: (text) => {
    const m = text.length >= 19 ? TIMESTAMP_TEXT.exec(text) : null;
    return (
      m !== null &&
      validDate(Number(m[1]), Number(m[2]), Number(m[3])) &&
      validTime(Number(m[4]), Number(m[5]), Number(m[6]))
    );
  },
  timestamptz: (text) => {
    const m = text.length >= 25 ? TIMESTAMPTZ_TEXT.exec(text) : null;
    return (
      m !== null &&
      validDate(Number(m[1]), Number(m[2]), Number(m[3])) &&
      validTime(Number(m[4]), Number(m[5]), Number(m[6])) &&
      Number(m[8]) < 60
    );
  },
};

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function dateText(dt: DateTime): string {
  const year = dt.year;
  return `${year < 1000 ? String(year).padStart(4, '0') : year}-${pad2(dt.month)}-${pad2(dt.day)}`;
}

function timeText(dt: DateTime): string {
  const ms = dt.millisecond;
  const fraction = ms === 0 ? '' : ms < 10 ? `.00${ms}` : ms < 100 ? `.0${ms}` : `.${ms}`;
  return `${pad2(dt.hour)}:${pad2(dt.minute)}:${pad2(dt.second)}${fraction}`;
}

const WRITERS: Record<DateOutput, (dt: DateTime) => string> = {
  date: dateText,
  time: timeText,
  timestamp: (dt) => `${dateText(dt)} ${timeText(dt)}`,
  timestamptz: (dt) => `${dateText(dt)} ${timeText(dt)}+00:00`,
};

function tokensOf(format: string, locale: string): FormatTokens {
  const tokens = DateTime.fromFormatExplain('', format, { locale }).tokens;
  const result: FormatTokens = {
    hasDate: false,
    hasTime: false,
    hasOffset: false,
    unknown: [],
    meridiemWith24Hour: false,
  };
  let meridiem = false;
  let hour24 = false;
  for (const { literal, val } of tokens) {
    if (literal || !LETTERS.test(val)) continue;
    if (!PARSE_TOKENS.has(val)) {
      if (!result.unknown.includes(val)) result.unknown.push(val);
      continue;
    }
    const letter = val[0]!;
    if (DATE_LETTERS.has(letter)) result.hasDate = true;
    if (TIME_LETTERS.has(letter)) result.hasTime = true;
    if (OFFSET_LETTERS.has(letter)) result.hasOffset = true;
    if (letter === 'a') meridiem = true;
    if (letter === 'H') hour24 = true;
  }
  result.meridiemWith24Hour = meridiem && hour24;
  return result;
}

function zoneProblem(key: string, zone: string | undefined): string | undefined {
  if (zone === undefined || IANAZone.isValidZone(zone)) return undefined;
  const zones = [...Intl.supportedValuesOf('timeZone'), 'UTC'];
  return (
    `${key}: ${JSON.stringify(zone)} is not an IANA time zone (such as Europe/Berlin, America/New_York ` +
    `or UTC).${didYouMean(zone, zones)}`
  );
}

function formatProblems(format: string, tokens: FormatTokens, output: DateOutput | undefined): string[] {
  const problems: string[] = [];
  const name = JSON.stringify(format);
  for (const token of tokens.unknown) {
    problems.push(
      `format ${name}: ${token} is not a Luxon token (Luxon uses yyyy, MM, dd, HH, mm, ss, SSS, ZZ); ` +
        `put literal text in single quotes, e.g. 'T'.`,
    );
  }
  if (tokens.unknown.length === 0 && !tokens.hasDate && !tokens.hasTime) {
    problems.push(
      `format ${name} has no date or time tokens; use Luxon tokens such as dd.MM.yyyy or HH:mm:ss.`,
    );
  }
  if (tokens.meridiemWith24Hour) {
    problems.push(`format ${name} mixes a (AM/PM) with the 24-hour H; use h or hh with a.`);
  }
  if (output === 'date' && tokens.hasTime && !tokens.hasDate) {
    problems.push(`format ${name} has no date tokens, so it cannot give a date.`);
  }
  if (output === 'time' && tokens.hasDate && !tokens.hasTime) {
    problems.push(`format ${name} has no time tokens, so it cannot give a time of day.`);
  }
  return problems;
}

/**
 * The problems of a `parseDate` step's options, for spec validation: an unknown time zone or locale, no
 * formats, a format with no date or time tokens or with letters Luxon does not know (a moment.js `YYYY`).
 * Given the `output`, also a format that cannot produce it (a time-only format for a date column).
 * Empty when the options are fine.
 */
export function checkDateParseOptions(options: {
  formats: string[];
  timeZone?: string;
  toTimeZone?: string;
  locale?: string;
  output?: DateOutput;
}): string[] {
  const problems: string[] = [];
  let locale = options.locale ?? DEFAULT_LOCALE;
  try {
    new Intl.Locale(locale);
  } catch {
    problems.push(`locale: ${JSON.stringify(locale)} is not a locale tag such as en-US or de-DE.`);
    locale = DEFAULT_LOCALE;
  }
  for (const [key, zone] of [
    ['timeZone', options.timeZone],
    ['toTimeZone', options.toTimeZone],
  ] as const) {
    const problem = zoneProblem(key, zone);
    if (problem) problems.push(problem);
  }
  const formats = Array.isArray(options.formats) ? options.formats : [];
  if (formats.length === 0) {
    problems.push('formats: give at least one Luxon format, e.g. dd.MM.yyyy.');
  }
  for (const format of formats) {
    if (typeof format !== 'string' || format.trim() === '') {
      problems.push('formats: a format must not be empty.');
      continue;
    }
    problems.push(...formatProblems(format, tokensOf(format, locale), options.output));
  }
  return problems;
}

/** The one-digit token that a two-digit numeric token may become under `lenient`. */
const ONE_DIGIT: Readonly<Record<string, string>> = {
  MM: 'M',
  LL: 'L',
  dd: 'd',
  HH: 'H',
  hh: 'h',
  mm: 'm',
  ss: 's',
};

/**
 * The lenient variant of `format` (see {@link DateParseOptions.lenient}): each two-digit numeric token
 * with a separator (or the start or end of the text) on both sides reads one or two digits. Null when
 * nothing changes, or when a literal holds a single quote (Luxon formats cannot quote it).
 */
export function lenientFormat(format: string, locale: string = DEFAULT_LOCALE): string | null {
  const tokens = DateTime.fromFormatExplain('', format, { locale }).tokens;
  const isToken = (i: number) => {
    const token = tokens[i];
    return token !== undefined && !token.literal && LETTERS.test(token.val);
  };
  let changed = false;
  const parts: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const { literal, val } = tokens[i]!;
    if (literal || !LETTERS.test(val)) {
      if (val.includes("'")) return null;
      parts.push(`'${val}'`);
      continue;
    }
    const shorter = ONE_DIGIT[val];
    if (shorter !== undefined && !isToken(i - 1) && !isToken(i + 1)) {
      parts.push(shorter);
      changed = true;
    } else {
      parts.push(val);
    }
  }
  return changed ? parts.join('') : null;
}

/** Why text that fits a format's pattern is no real date: "the day is out of range", or Luxon's words. */
function explain(dt: DateTime): string {
  const explanation = dt.invalidExplanation ?? dt.invalidReason ?? 'it is invalid';
  const match = /you specified .+? \(of type \w+\) as an? (\w+), which is invalid/.exec(explanation);
  return match ? `the ${match[1]} is out of range` : explanation;
}

/**
 * Compiles a `parseDate` step into one function from a source value to the canonical text of `output`.
 * Options are checked, zones resolved and every format's Luxon parser built once, here; options with
 * problems (see checkDateParseOptions) throw an Error, as spec validation should have caught them.
 *
 * The function takes text (trimmed) or a number (its digits, for `yyyyMMdd` columns stored as numbers).
 * A value already in the canonical form of `output` passes through untouched, without trying the
 * formats. Anything else is tried with each format in turn; a value none can read, or one that names an
 * impossible date (30.02.2024) or a year outside 1–9999, throws TransformError.
 */
export function compileDateParser(options: DateParseOptions): (value: unknown) => string {
  const { output } = options;
  const problems = checkDateParseOptions(options);
  if (problems.length > 0) throw new Error(`parseDate: ${problems.join(' ')}`);
  const locale = options.locale ?? DEFAULT_LOCALE;
  const fromZone = Info.normalizeZone(options.timeZone ?? 'UTC');
  const toZone =
    output === 'timestamptz'
      ? UTC
      : options.toTimeZone === undefined
        ? fromZone
        : Info.normalizeZone(options.toTimeZone);
  const sameZone = fromZone.equals(toZone);

  // Under lenient, each format is followed by its one-digit variant, named after the format in messages.
  const patterns = options.formats.flatMap((format) => {
    const variant = options.lenient ? lenientFormat(format, locale) : null;
    return variant === null
      ? [{ format, pattern: format }]
      : [
          { format, pattern: format },
          { format, pattern: variant },
        ];
  });
  const compiled: CompiledFormat[] = patterns.map(({ format, pattern }) => {
    const tokens = tokensOf(pattern, locale);
    // Where no conversion applies, the fields are written as read: parsed in UTC, no DST gap moves them.
    const asWritten =
      !tokens.hasOffset && (output === 'date' || (output === 'time' && !tokens.hasDate) || sameZone);
    const target = asWritten ? undefined : output === 'date' ? fromZone : toZone;
    return {
      format,
      parser: DateTime.buildFormatParser(pattern, { locale }),
      options: { zone: asWritten ? UTC : fromZone, locale, setZone: tokens.hasOffset },
      target,
    };
  });
  const isCanonical = IS_CANONICAL[output];
  const write = WRITERS[output];
  const formatList = options.formats.join(', ');

  return (value) => {
    let text: string;
    if (typeof value === 'string') {
      text = value.trim();
      if (isCanonical(text)) return text;
    } else if (typeof value === 'number' || typeof value === 'bigint') {
      text = String(value);
    } else {
      throw new TransformError(
        `${show(String(value))} is not text or a number, so none of the date formats ${formatList} applies`,
      );
    }
    let why: string | undefined;
    for (const { format, parser, options: parseOptions, target } of compiled) {
      const parsed = DateTime.fromFormatParser(text, parser, parseOptions);
      if (!parsed.isValid) {
        if (why === undefined && parsed.invalidReason !== 'unparsable')
          why = `as ${format} ${explain(parsed)}`;
        continue;
      }
      const dt = target === undefined ? parsed : parsed.setZone(target);
      if (dt.year < 1 || dt.year > 9999) {
        why ??= `as ${format} the year is outside 1 to 9999`;
        continue;
      }
      return write(dt);
    }
    const detail = why === undefined ? '' : ` (${why})`;
    throw new TransformError(`${show(text)} matches none of the date formats ${formatList}${detail}`);
  };
}
