import {
  Faker,
  base,
  cs_CZ,
  de,
  de_AT,
  de_CH,
  en,
  en_GB,
  en_US,
  fr,
  fr_CH,
  it,
  ja,
  pl,
  sv,
  zh_CN,
} from '@faker-js/faker';
import type { LocaleDefinition } from '@faker-js/faker';

/** A country the demo ERP sells to, with a faker that writes names, emails and phones from there. */
export interface CustomerLocale {
  country: string;
  faker: Faker;
  /** Relative share of customers from this country. */
  weight: number;
}

const LOCALES: readonly [country: string, locale: LocaleDefinition, weight: number][] = [
  ['DE', de, 30],
  ['AT', de_AT, 8],
  ['CH', de_CH, 12],
  ['FR', fr, 9],
  ['CH', fr_CH, 3],
  ['CZ', cs_CZ, 6],
  ['PL', pl, 4],
  ['IT', it, 5],
  ['SE', sv, 3],
  ['GB', en_GB, 6],
  ['US', en_US, 6],
  ['JP', ja, 5],
  ['CN', zh_CN, 3],
];

/** One seeded faker per country, so customer names mix Müller, Dvořák, François and 山田. */
export function customerLocales(seed: number): CustomerLocale[] {
  return LOCALES.map(([country, locale, weight], index) => ({
    country,
    faker: new Faker({ locale: [locale, en, base], seed: (seed + index * 7919) >>> 0 }),
    weight,
  }));
}
