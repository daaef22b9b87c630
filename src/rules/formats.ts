/**
 * Well-known formats for `format` validation rules, checked with `validator` and `libphonenumber-js`
 * (no hand-written patterns). A check is built once per rule and then called per value.
 */
import type * as PhoneNumbers from 'libphonenumber-js';
import type Validator from 'validator';
import { loadLibrary } from './load-library.ts';

export const FORMAT_NAMES = ['email', 'iban', 'phone', 'isoDate', 'uuid'] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

/** Options of {@link formatCheck}. */
export interface FormatOptions {
  /** Default country of phone numbers written without `+` and calling code (ISO 3166 alpha-2, `DE`). */
  country?: string;
}

let validatorLibrary: typeof Validator | undefined;
let phoneLibrary: typeof PhoneNumbers | undefined;
const validator = () => (validatorLibrary ??= loadLibrary('validator') as typeof Validator);
const phoneNumbers = () => (phoneLibrary ??= loadLibrary('libphonenumber-js') as typeof PhoneNumbers);

const FORMAT_SET: ReadonlySet<string> = new Set(FORMAT_NAMES);

const DESCRIPTIONS: Record<FormatName, string> = {
  email: 'an e-mail address',
  iban: 'an IBAN (checksum verified)',
  phone: 'a phone number',
  isoDate: 'an ISO date (YYYY-MM-DD)',
  uuid: 'a UUID',
};

/**
 * Addresses of the everyday shape (`name.part@sub.example.com`, at most 64 characters, so no length limit
 * of isEmail can bite): every such address passes isEmail, which costs a few microseconds more per value.
 * Anything else goes to isEmail.
 */
const PLAIN_EMAIL =
  /^[a-z0-9]+(?:[._+-][a-z0-9]+)*@[a-z0-9]+(?:-+[a-z0-9]+)*(?:\.[a-z0-9]+(?:-+[a-z0-9]+)*)*\.[a-z]{2,63}$/i;

const DATE_OPTIONS = { format: 'YYYY-MM-DD', strictMode: true, delimiters: ['-'] };
const ISO_OPTIONS = { strict: true };

/** True when `x` names one of the {@link FORMAT_NAMES}. */
export function isFormatName(x: string): x is FormatName {
  return FORMAT_SET.has(x);
}

/** How a rule message names the format: `"x" is not <description>`. */
export function describeFormat(name: FormatName): string {
  return DESCRIPTIONS[name];
}

/**
 * The test of one format:
 * - `email`: an address with a domain.
 * - `iban`: country-specific layout and mod-97 checksum; groups of four separated by spaces are accepted.
 * - `phone`: a valid number for its country; without `options.country` only the international form
 *   (`+49 …`) can pass. Throws when the country is not one libphonenumber-js knows.
 * - `isoDate`: exactly `YYYY-MM-DD` and a real calendar date (`2024-02-30` fails).
 * - `uuid`: any version, either case.
 */
export function formatCheck(name: FormatName, options?: FormatOptions): (value: string) => boolean {
  switch (name) {
    case 'email': {
      const { isEmail } = validator();
      return (value) => (value.length <= 64 && PLAIN_EMAIL.test(value)) || isEmail(value);
    }
    case 'iban': {
      const { isIBAN } = validator();
      return (value) => isIBAN(value) || isIBAN(value.replace(/\s+/g, ''));
    }
    case 'phone': {
      const { isSupportedCountry, isValidPhoneNumber } = phoneNumbers();
      const country = options?.country;
      if (country === undefined) return (value) => isValidPhoneNumber(value);
      if (!isSupportedCountry(country)) {
        throw new Error(`"${country}" is not a country with known phone numbers (ISO 3166 alpha-2, e.g. DE)`);
      }
      return (value) => isValidPhoneNumber(value, country);
    }
    case 'isoDate': {
      const { isDate, isISO8601 } = validator();
      return (value) => isDate(value, DATE_OPTIONS) && isISO8601(value, ISO_OPTIONS);
    }
    case 'uuid': {
      const { isUUID } = validator();
      return (value) => isUUID(value, 'all');
    }
  }
}
