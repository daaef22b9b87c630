import type BetterSqlite3 from 'better-sqlite3';
import { customerLocales, type CustomerLocale } from './customer-locales.ts';
import { DirtyColumn } from './dirty-column.ts';
import { dayNumber, formatDateTime } from './legacy-dates.ts';
import type { SeededRandom } from './seeded-random.ts';
import type { RowGenerator } from './table-result.ts';

const MALFORMED_EMAILS: readonly string[] = [
  'john.doe@',
  'n/a',
  'x@@y',
  '@example.com',
  'info at mueller.de',
  'anna.schmidt@gmx',
  'keine',
  '-',
];

const NOTES: readonly string[] = [
  'Kunde seit 1998, zahlt pünktlich ✅',
  'Lieferung nur werktags – Rampe 3',
  'Ancien client, préfère la facturation trimestrielle',
  'VIP 🌟 – 5 % Rabatt auf alles',
  'Bitte Rückruf vor Lieferung 📞',
  '請求書は月末締め',
  '支払い条件：30日以内',
  '联系人：王经理，电话优先',
  'Mahnstufe 2 – Zahlungsziel überschritten ⚠️',
  'Zákazník preferuje dodání v pátek',
  'Größere Mengen über Großhandel — Ansprechpartner Hr. Weiß',
  'Imported from AS/400, see old key in column 7',
  'Zwei Zeilen:\nLieferadresse abweichend',
  'memo\twith a tab from the old green-screen',
  'Płatność przelewem 💶',
  "Don't call before 10am 😴",
];

const CREDIT_LIMITS: readonly number[] = [500, 1000, 2500, 5000, 10000, 25000, 50000, 100000];

const FROM_SECONDS = dayNumber(1998, 1, 1) * 86_400;
const TO_SECONDS = dayNumber(2024, 6, 30) * 86_400;

function pickLocale(
  random: SeededRandom,
  locales: readonly CustomerLocale[],
  totalWeight: number,
): CustomerLocale {
  let roll = random.next() * totalWeight;
  for (const locale of locales) {
    roll -= locale.weight;
    if (roll < 0) return locale;
  }
  return locales[locales.length - 1]!;
}

/** Writes `count` customers (CustNo 1..count) from many countries, with NULLs, '' and dirt. */
export function* insertCustomers(
  db: BetterSqlite3.Database,
  random: SeededRandom,
  seed: number,
  count: number,
): RowGenerator {
  const insert = db.prepare(
    'INSERT INTO Customers (CustNo, CustName, EMail, Phone, Country, CreditLimit, IsActive, CreatedAt, Notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const locales = customerLocales(seed);
  const totalWeight = locales.reduce((sum, l) => sum + l.weight, 0);
  const badEmail = new DirtyColumn(random, 'Customers', 'EMail', 'malformed-email', 0.007, count);
  const commaDecimal = new DirtyColumn(random, 'Customers', 'CreditLimit', 'comma-decimal', 0.005, count);
  const yesNo = new DirtyColumn(random, 'Customers', 'IsActive', 'yes-no-boolean', 0.005, count);

  for (let i = 0; i < count; i++) {
    const { country, faker } = pickLocale(random, locales, totalWeight);
    const isPerson = random.chance(0.65);
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    let name = isPerson ? faker.person.fullName({ firstName, lastName }) : faker.company.name();
    if (random.chance(0.03)) name = name.toUpperCase();
    const email = random.chance(0.06)
      ? null
      : isPerson
        ? faker.internet.email({ firstName, lastName })
        : faker.internet.email();
    const phone = random.chance(0.25) ? null : random.chance(0.07) ? '' : faker.phone.number();
    const creditLimit = random.chance(0.1)
      ? null
      : random.chance(0.5)
        ? random.pick(CREDIT_LIMITS)
        : random.amount(100, 50000);
    const isActive = random.chance(0.88) ? 1 : 0;
    const createdAt = random.chance(0.03) ? null : formatDateTime(random.int(FROM_SECONDS, TO_SECONDS));
    const notes = random.chance(0.45) ? null : random.chance(0.15) ? '' : random.pick(NOTES);

    insert.run(
      i + 1,
      name.slice(0, 80),
      badEmail.hit(i) ? random.pick(MALFORMED_EMAILS) : email,
      phone === null ? null : phone.slice(0, 30),
      random.chance(0.02) ? null : country,
      commaDecimal.hit(i) ? (creditLimit ?? 1250.5).toFixed(2).replace('.', ',') : creditLimit,
      yesNo.hit(i) ? (isActive ? 'Y' : 'N') : isActive,
      createdAt,
      notes,
    );
    yield;
  }
  return [
    { table: 'Customers', rows: count, dirty: [badEmail.count(), commaDecimal.count(), yesNo.count()] },
  ];
}
