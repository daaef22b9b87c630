/** The options of a CSV endpoint with every default filled in and checked. */
import { InputError } from '../../errors.ts';
import type { CsvEndpoint } from '../../spec/spec-schema.ts';
import { resolveTextEncoding } from './text-encoding.ts';

/** A CSV endpoint's options, defaults applied. */
export interface CsvOptions {
  /** The first line (after the skipped ones) holds column names. */
  header: boolean;
  /** Lines skipped at the start of the file, before the header. */
  skipLines: number;
  delimiter: string;
  /** Quote character; inside a quoted field it is escaped by doubling it (RFC 4180). */
  quote: string;
  /** `utf8` or an encoding iconv-lite knows. */
  encoding: string;
  /** An unquoted field equal to this is NULL. */
  nullValue: string;
  /** The expected header (header true) or the column names (header false); null if not given. */
  columns: string[] | null;
}

/**
 * Applies the defaults of a CSV endpoint and checks the options that the spec schema cannot.
 *
 * @throws InputError for an unknown encoding, or a delimiter equal to the quote or a line break
 */
export function resolveCsvOptions(endpoint: CsvEndpoint & { path: string }): CsvOptions {
  const options: CsvOptions = {
    header: endpoint.header ?? true,
    skipLines: endpoint.skipLines ?? 0,
    delimiter: endpoint.delimiter ?? ',',
    quote: endpoint.quote ?? '"',
    encoding: resolveTextEncoding(endpoint.encoding, endpoint.path),
    nullValue: endpoint.nullValue ?? '',
    columns: endpoint.columns ?? null,
  };
  const problems: string[] = [];
  if (options.delimiter === options.quote)
    problems.push('delimiter and quote are the same character; change one.');
  for (const [name, value] of [
    ['delimiter', options.delimiter],
    ['quote', options.quote],
  ] as const) {
    if (/[\r\n]/.test(value)) problems.push(`${name} cannot be a line break; use another character.`);
  }
  if (problems.length) throw new InputError(problems.map((message) => ({ path: endpoint.path, message })));
  return options;
}
