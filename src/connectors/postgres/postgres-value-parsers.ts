/**
 * Turns PostgreSQL's text output into canonical values (see CanonicalValue), per query: the driver's
 * global parsers (which make Date objects and parse JSON) are never changed. Relies on the session
 * settings made by postgres-connection.ts: DateStyle ISO, TimeZone UTC, bytea_output hex.
 */
import pg from 'pg';
import type { CustomTypesConfig } from 'pg';

type Parser = (text: string) => unknown;

/** pg-types' array parser (postgres-array); its type declaration does not match what it exports. */
const arrayParser = pg.types.arrayParser as unknown as {
  create(source: string, transform: Parser): { parse(): unknown[] };
};

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** int8: a number when it is exact, a bigint beyond 2^53. */
export function parseInt8(text: string): number | bigint {
  if (text.length < 16) return Number(text);
  const big = BigInt(text);
  return big >= MIN_SAFE && big <= MAX_SAFE ? Number(big) : big;
}

/** bytea in hex output (`\x0a1b…`) to a Buffer. */
export function parseBytea(text: string): Buffer {
  if (text.startsWith('\\x')) return Buffer.from(text.slice(2), 'hex');
  // Escape output (bytea_output = escape) only if a server overrides the session setting.
  return pg.types.getTypeParser(17, 'text')(text) as Buffer;
}

/** timestamptz with TimeZone UTC prints `…+00`; the canonical offset has minutes: `…+00:00`. */
export function parseTimestamptz(text: string): string {
  return /[+-]\d\d$/.test(text) ? `${text}:00` : text;
}

const parseNumber: Parser = (text) => Number(text);
const keepText: Parser = (text) => text;

/** Parsers by type OID (pg_type.oid of the built-in types). */
const SCALAR_PARSERS = new Map<number, Parser>([
  [16, (text) => text === 't'], // bool
  [17, parseBytea], // bytea
  [20, parseInt8], // int8
  [21, parseNumber], // int2
  [23, parseNumber], // int4
  [700, parseNumber], // float4 (NaN, Infinity, -Infinity included)
  [701, parseNumber], // float8
  [1184, parseTimestamptz], // timestamptz
]);

/**
 * Type parsers for one query. `arrayElements` maps array type OIDs (built-in and user-defined, e.g.
 * arrays of an enum) to their element type OID; every type not listed keeps its text form, which is
 * the canonical form of numeric, date, time, timestamp, json, uuid and text.
 */
export function canonicalTypeParsers(arrayElements: ReadonlyMap<number, number>): CustomTypesConfig {
  const cache = new Map<number, Parser>();
  const parserFor = (oid: number): Parser => {
    let parser = cache.get(oid);
    if (parser) return parser;
    const element = arrayElements.get(oid);
    if (element !== undefined) {
      const parseElement = parserFor(element);
      parser = (text) => arrayParser.create(text, parseElement).parse();
    } else {
      parser = SCALAR_PARSERS.get(oid) ?? keepText;
    }
    cache.set(oid, parser);
    return parser;
  };
  return {
    getTypeParser: ((oid: number, format?: string) =>
      format === 'binary'
        ? pg.types.getTypeParser(oid, 'binary')
        : parserFor(oid)) as CustomTypesConfig['getTypeParser'],
  };
}
