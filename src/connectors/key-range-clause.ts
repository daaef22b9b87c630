import type { PartitionBounds } from './connector.ts';

/**
 * The ` WHERE key >= … AND key < …` that selects one key-range partition (empty for a whole table, or
 * for a key range open at both ends), and the bound values in the order their placeholders appear.
 * Each database connector passes its own identifier quoting and placeholder syntax; `placeholder` gets
 * the value and its 1-based position.
 */
export function keyRangeWhere(
  bounds: PartitionBounds,
  quote: (identifier: string) => string,
  placeholder: (value: number, position: number) => string,
): { sql: string; params: number[] } {
  if (bounds.kind !== 'key-range') return { sql: '', params: [] };
  const key = quote(bounds.keyColumn);
  const params: number[] = [];
  const where: string[] = [];
  for (const [operator, value] of [
    ['>=', bounds.from],
    ['<', bounds.to],
  ] as const) {
    if (value === null) continue;
    params.push(value);
    where.push(`${key} ${operator} ${placeholder(value, params.length)}`);
  }
  return { sql: where.length ? ` WHERE ${where.join(' AND ')}` : '', params };
}

/**
 * The ` WHERE key >= … AND key < … ORDER BY key` that reads one key-range partition (empty for a whole
 * table); see {@link keyRangeWhere}.
 */
export function keyRangeClause(
  bounds: PartitionBounds,
  quote: (identifier: string) => string,
  placeholder: (value: number, position: number) => string,
): { sql: string; params: number[] } {
  const range = keyRangeWhere(bounds, quote, placeholder);
  if (bounds.kind !== 'key-range') return range;
  return { sql: `${range.sql} ORDER BY ${quote(bounds.keyColumn)}`, params: range.params };
}
