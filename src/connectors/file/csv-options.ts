/** The options of a CSV endpoint with every default filled in and checked. */
import { InputError } from '../../core/errors.ts';
import type { CsvEndpoint } from '../../spec/spec-schema.ts';
import { resolveTextEncoding } from './text-encoding.ts';

/** What a source does with a record that has too few or too many fields. */
export type RaggedRows = 'reject' | 'pad' | 'truncate';

/** A CSV endpoint's options, defaults applied. */
export interface CsvOptions {
  /** The first line (after the skipped ones) holds column names. */
  header: boolean;
  /** Lines skipped at the start of the file, before the header. */
  skipLines: number;
  delimiter: string;
  /** Quote character, or null when the file has no quoting (quote characters are data). */
  quote: string | null;
  /**
   * Inside a quoted field, the character that makes a following quote (or itself) data; equal to the
   * quote for RFC 4180 doubling. Null when `quote` is null.
   */
  escape: string | null;
  /** `unquoted`: blanks around a field are dropped, outside quotes. */
  trim: 'none' | 'unquoted';
  /** Rows with the wrong number of fields: rejected, padded with NULL, or cut. */
  raggedRows: RaggedRows;
  /** `utf8` or an encoding iconv-lite knows. */
  encoding: string;
  /** An unquoted field equal to this is NULL. */
  nullValue: string;
  /** The expected header (header true) or the column names (header false); null if not given. */
  columns: string[] | null;
}

/** Blanks that `trim: unquoted` drops, so neither may be the delimiter then. */
const BLANKS = new Set([' ', '\t']);

/**
 * Applies the defaults of a CSV endpoint and checks the options that the spec schema cannot.
 *
 * @throws InputError for an unknown encoding, or options that contradict each other: a delimiter equal
 *   to the quote or the escape, a line break as delimiter, quote or escape, an escape without quoting,
 *   or a blank delimiter under `trim: unquoted`
 */
export function resolveCsvOptions(endpoint: CsvEndpoint & { path: string }): CsvOptions {
  const quote = endpoint.quote === false ? null : (endpoint.quote ?? '"');
  const options: CsvOptions = {
    header: endpoint.header ?? true,
    skipLines: endpoint.skipLines ?? 0,
    delimiter: endpoint.delimiter ?? ',',
    quote,
    escape: quote === null ? null : (endpoint.escape ?? quote),
    trim: endpoint.trim ?? 'none',
    raggedRows: endpoint.raggedRows ?? 'reject',
    encoding: resolveTextEncoding(endpoint.encoding, endpoint.path),
    nullValue: endpoint.nullValue ?? '',
    columns: endpoint.columns ?? null,
  };
  const problems: string[] = [];
  if (options.delimiter === options.quote)
    problems.push('delimiter and quote are the same character; change one.');
  if (endpoint.escape !== undefined) {
    if (quote === null) {
      problems.push(
        'escape only applies inside quoted fields, but quote is false; remove escape or set a quote.',
      );
    } else if (endpoint.escape === options.delimiter) {
      problems.push('escape and delimiter are the same character; change one.');
    }
  }
  for (const [name, value] of [
    ['delimiter', options.delimiter],
    ['quote', options.quote],
    ['escape', options.escape],
  ] as const) {
    if (value !== null && /[\r\n]/.test(value))
      problems.push(`${name} cannot be a line break; use another character.`);
  }
  if (options.trim === 'unquoted' && BLANKS.has(options.delimiter)) {
    problems.push(
      'trim: unquoted drops blanks around fields, and the delimiter is one; remove trim or use another delimiter.',
    );
  }
  if (problems.length) throw new InputError(problems.map((message) => ({ path: endpoint.path, message })));
  return options;
}
