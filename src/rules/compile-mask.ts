/** A column's PII mask, compiled once into a function from the validated value to what is loaded. */
import type { MaskSpec } from '../spec/rules-schema.ts';
import { hashValue, maskEmail, maskPartial, redactValue, tokenize } from './masking.ts';

export type Masker = (value: unknown) => unknown;

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('hex') : String(value);
}

/** The one kind a mask spec names: `hash`, `partial`, … */
export function maskKind(spec: MaskSpec): string {
  return typeof spec === 'string' ? spec : Object.keys(spec)[0]!;
}

/** True for masks that need the secret `masking.salt`. */
export function maskNeedsSalt(spec: MaskSpec): boolean {
  const kind = maskKind(spec);
  return kind === 'hash' || kind === 'tokenize';
}

/** NULL stays NULL; every other value becomes masked text. `salt` is resolved (never printed). */
export function compileMask(spec: MaskSpec, salt: string | null): Masker {
  const kind = maskKind(spec);
  const needSalt = (): string => {
    if (salt === null) throw new Error('internal: the mask needs masking.salt');
    return salt;
  };
  let mask: (text: string) => string;
  switch (kind) {
    case 'hash': {
      const key = needSalt();
      mask = (text) => hashValue(text, key);
      break;
    }
    case 'tokenize': {
      const key = needSalt();
      mask = (text) => tokenize(text, key);
      break;
    }
    case 'email':
      mask = (text) => maskEmail(text);
      break;
    case 'redact': {
      const replacement = typeof spec === 'object' ? spec.redact?.with : undefined;
      mask = (text) => redactValue(text, replacement);
      break;
    }
    case 'partial': {
      const options = (typeof spec === 'object' && spec.partial) || {};
      mask = (text) => maskPartial(text, options);
      break;
    }
    default:
      throw new Error(`internal: unknown mask ${kind}`);
  }
  return (value) => (value === null || value === undefined ? value : mask(textOf(value)));
}
