/**
 * Validation rules on one column (notNull, parses, min/max, length, pattern, in, format, references),
 * compiled once into row checks. A check returns null when the row passes and the failure message when it
 * does not. NULL passes every rule but notNull: a missing value is notNull's business. Uniqueness and
 * completeness need more than one row and are compiled by table-program.ts.
 */
import { parseLogicalType } from '../core/logical-type.ts';
import { CoercionError, coercerFor } from '../core/coerce.ts';
import type { ColumnRuleSpec } from '../spec/rules-schema.ts';
import { describeFormat, formatCheck } from './formats.ts';
import { keyText, type KeyIndex } from './key-index.ts';
import { compileRegex } from './safe-regex.ts';

/** Checks one value; null = passes. */
export type ValueCheck = (value: unknown) => string | null;

/** The kinds a column rule may be; `range` is min and/or max. */
export const COLUMN_RULE_KINDS = [
  'notNull',
  'parses',
  'range',
  'length',
  'pattern',
  'in',
  'format',
  'unique',
  'references',
  'completeness',
] as const;

export type ColumnRuleKind = (typeof COLUMN_RULE_KINDS)[number];

/** The kinds a rule object names (a well-formed rule names exactly one). */
export function columnRuleKinds(rule: ColumnRuleSpec): ColumnRuleKind[] {
  const kinds: ColumnRuleKind[] = [];
  for (const kind of COLUMN_RULE_KINDS) {
    if (kind === 'range' ? rule.min !== undefined || rule.max !== undefined : rule[kind] !== undefined)
      kinds.push(kind);
  }
  return kinds;
}

export function show(value: unknown): string {
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  const text = typeof value === 'string' ? value : String(value);
  const short = text.length > 60 ? `${text.slice(0, 57)}…` : text;
  return typeof value === 'string' ? JSON.stringify(short) : short;
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

/** min/max: numerically for numeric bounds, as text (ISO dates and times sort as text) otherwise. */
function rangeCheck(min: number | string | undefined, max: number | string | undefined): ValueCheck {
  const numeric = typeof min === 'number' || typeof max === 'number';
  return (value) => {
    const v = numeric ? Number(value) : textOf(value);
    if (numeric && Number.isNaN(v))
      return `${show(value)} is not a number, so it cannot be compared with the range`;
    if (min !== undefined && v < min) return `${show(value)} is below the minimum ${min}`;
    if (max !== undefined && v > max) return `${show(value)} is above the maximum ${max}`;
    return null;
  };
}

function lengthCheck(min: number | undefined, max: number | undefined): ValueCheck {
  return (value) => {
    const text = textOf(value);
    // Code points, not UTF-16 units; only counted when the unit count is near a limit.
    const length =
      text.length <= (min ?? 0) || text.length > (max ?? Infinity) ? [...text].length : text.length;
    if (min !== undefined && length < min) return `is ${length} characters, shorter than ${min}`;
    if (max !== undefined && length > max) return `is ${length} characters, longer than ${max}`;
    return null;
  };
}

/** What a references rule needs: the key set of the parent and its name for messages. */
export interface ReferenceTarget {
  keyIndex: KeyIndex;
  set: number;
  /** `customer.cust_no`, for the message. */
  label: string;
}

/**
 * Compiles one rule into a check of a non-null value (notNull is the exception and sees NULL).
 * `references` needs the parent's key set; unique and completeness return null (not per-value checks).
 */
export function compileColumnRule(
  rule: ColumnRuleSpec,
  kind: ColumnRuleKind,
  reference: ReferenceTarget | null,
): ValueCheck | null {
  switch (kind) {
    case 'notNull':
      return (value) => (value === null || value === undefined ? 'is NULL' : null);
    case 'parses': {
      const type = parseLogicalType(rule.parses!)!;
      const coerce = coercerFor(type);
      return (value) => {
        try {
          coerce(value);
          return null;
        } catch (error) {
          if (error instanceof CoercionError) return error.message;
          throw error;
        }
      };
    }
    case 'range':
      return rangeCheck(rule.min, rule.max);
    case 'length':
      return lengthCheck(rule.length!.min, rule.length!.max);
    case 'pattern': {
      const pattern = compileRegex(rule.pattern!);
      return (value) =>
        pattern.test(textOf(value)) ? null : `${show(value)} does not match ${rule.pattern}`;
    }
    case 'in': {
      const allowed = new Set(rule.in!.map((v) => String(v)));
      const list = [...allowed].join(', ');
      return (value) => (allowed.has(textOf(value)) ? null : `${show(value)} is not one of ${list}`);
    }
    case 'format': {
      const test = formatCheck(rule.format!, rule.country ? { country: rule.country } : undefined);
      const what = describeFormat(rule.format!);
      return (value) => (test(textOf(value)) ? null : `${show(value)} is not ${what}`);
    }
    case 'references': {
      if (!reference) throw new Error('internal: references rule without its parent key set');
      const { keyIndex, set, label } = reference;
      return (value) =>
        keyIndex.has(set, keyText([value])) ? null : `${show(value)} has no row in ${label}`;
    }
    case 'unique':
    case 'completeness':
      return null;
  }
}
