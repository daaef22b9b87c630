import type BetterSqlite3 from 'better-sqlite3';
import { Faker, base, en } from '@faker-js/faker';
import type { SeededRandom } from './seeded-random.ts';
import type { RowGenerator } from './table-result.ts';

const SKU_PREFIXES: readonly string[] = ['AX', 'BR', 'CM', 'DL', 'EV', 'FX', 'GT', 'HK'];

const GERMAN_PARTS: readonly string[] = [
  'Sechskantschraube M8×40 verzinkt',
  'Dichtungsring Ø 25 mm',
  'Kugellager 6204-2RS',
  'Zahnrad Stahl, 32 Zähne',
  'Flanschmutter M10 – Edelstahl A2',
  'Schlauchschelle 12–22 mm',
  'Gewindestange M12 × 1000 mm',
  'Übergangsstück ½″ auf ¾″',
  'Rohrbogen 90° Kupfer',
  'Kabelbinder schwarz, 200 Stück',
];

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Writes `count` products (ProdNo 1..count), some with a small PNG-like photo; fills `prices` (index ProdNo - 1). */
export function* insertProducts(
  db: BetterSqlite3.Database,
  random: SeededRandom,
  seed: number,
  count: number,
  prices: Float64Array,
): RowGenerator {
  const insert = db.prepare(
    'INSERT INTO Products (ProdNo, SKU, Descr, UnitPrice, Weight_kg, Discontinued, Photo) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const faker = new Faker({ locale: [en, base], seed: (seed ^ 0x5eed) >>> 0 });
  for (let i = 0; i < count; i++) {
    const prodNo = i + 1;
    const sku = `${random.pick(SKU_PREFIXES)}-${String(prodNo).padStart(6, '0')}`;
    const descr = random.chance(0.4)
      ? `${random.pick(GERMAN_PARTS)} (${faker.color.human()})`
      : `${faker.commerce.productName()} – ${faker.commerce.productAdjective()}`;
    const price = Math.max(0.1, Math.round(Math.exp(random.next() * Math.log(5000)) * 100) / 100);
    prices[i] = price;
    const weight = random.chance(0.08) ? null : Math.round(random.next() * 50_000) / 1000;
    const photo = random.chance(0.05)
      ? Buffer.concat([PNG_SIGNATURE, random.bytes(random.int(56, 504))])
      : null;
    insert.run(prodNo, sku, descr.slice(0, 200), price, weight, random.chance(0.07) ? 1 : 0, photo);
    yield;
  }
  return [{ table: 'Products', rows: count, dirty: [] }];
}
