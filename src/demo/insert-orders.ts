import type BetterSqlite3 from 'better-sqlite3';
import { DirtyColumn } from './dirty-column.ts';
import { ODD_DATES, dayNumber, formatDate } from './legacy-dates.ts';
import type { SeededRandom } from './seeded-random.ts';
import type { RowGenerator } from './table-result.ts';

/** How many orders and lines to write, and what they may refer to. */
export interface OrderCounts {
  orders: number;
  orderLines: number;
  customers: number;
  /** List price per product, index ProdNo - 1. */
  prices: Float64Array;
}

const FIRST_ORDER_NO = 10_001;
const FIRST_DAY = dayNumber(2015, 1, 1);
const LAST_DAY = dayNumber(2024, 12, 31);
const DISCOUNTS: readonly number[] = [0.02, 0.05, 0.1, 0.15, 0.2];
const MAX_LINES_PER_ORDER = 12;

function pickStatus(random: SeededRandom, recent: boolean): string {
  const roll = random.next();
  if (recent) return roll < 0.6 ? 'OPEN' : roll < 0.85 ? 'SHIPPED' : roll < 0.95 ? 'ON_HOLD' : 'CANCELLED';
  return roll < 0.04
    ? 'OPEN'
    : roll < 0.22
      ? 'SHIPPED'
      : roll < 0.92
        ? 'INVOICED'
        : roll < 0.97
          ? 'CANCELLED'
          : 'ON_HOLD';
}

function pickCurrency(random: SeededRandom): string | null {
  const roll = random.next();
  return roll < 0.8 ? 'EUR' : roll < 0.9 ? 'CHF' : roll < 0.96 ? 'USD' : roll < 0.99 ? 'GBP' : null;
}

/**
 * Writes orders (OrderNo from 10001, with the gaps deleted orders leave) and their lines together, so
 * each order's Total is the sum of its lines. Only one order's lines are held in memory at a time.
 */
export function* insertOrders(
  db: BetterSqlite3.Database,
  random: SeededRandom,
  counts: OrderCounts,
): RowGenerator {
  const insertOrder = db.prepare(
    'INSERT INTO Orders (OrderNo, CustNo, OrderDate, ShipDate, Status, Total, Currency) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insertLine = db.prepare(
    'INSERT INTO OrderLines (OrderNo, LineNo, ProdNo, Qty, UnitPrice, Discount) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const { orders, orderLines, customers, prices } = counts;
  const products = prices.length;
  const orphanCustomer = new DirtyColumn(random, 'Orders', 'CustNo', 'orphan-reference', 0.006, orders);
  const oddOrderDate = new DirtyColumn(random, 'Orders', 'OrderDate', 'odd-date', 0.007, orders);
  const oddShipDate = new DirtyColumn(random, 'Orders', 'ShipDate', 'odd-date', 0.006, orders);
  const commaTotal = new DirtyColumn(random, 'Orders', 'Total', 'comma-decimal', 0.005, orders);
  const negativeQty = new DirtyColumn(random, 'OrderLines', 'Qty', 'negative-quantity', 0.006, orderLines);
  const orphanProduct = new DirtyColumn(
    random,
    'OrderLines',
    'ProdNo',
    'orphan-reference',
    0.005,
    orderLines,
  );

  const lineProd = new Int32Array(MAX_LINES_PER_ORDER);
  const lineQty = new Int32Array(MAX_LINES_PER_ORDER);
  const linePrice = new Float64Array(MAX_LINES_PER_ORDER);
  const lineDiscount = new Float64Array(MAX_LINES_PER_ORDER);
  let orderNo = FIRST_ORDER_NO - 1;
  let linesLeft = orderLines;
  let lineRow = 0;

  for (let i = 0; i < orders; i++) {
    orderNo += random.chance(0.02) ? random.int(2, 6) : 1;
    // Lines per order: at least one, averaging what is left over the orders left.
    const ordersLeft = orders - i;
    const average = linesLeft / ordersLeft;
    let lineCount =
      ordersLeft === 1 ? linesLeft : 1 + Math.floor(random.next() * (2 * Math.max(0, average - 1) + 1));
    lineCount = Math.max(0, Math.min(lineCount, MAX_LINES_PER_ORDER, linesLeft - (ordersLeft - 1)));
    if (linesLeft > 0 && lineCount === 0) lineCount = 1;

    let total = 0;
    for (let l = 0; l < lineCount; l++, lineRow++) {
      const prodNo = orphanProduct.hit(lineRow)
        ? products + random.int(1, 500)
        : 1 + Math.floor(products * random.next() ** 1.5);
      const listPrice = prices[prodNo - 1] ?? random.amount(1, 500);
      const price = random.chance(0.8)
        ? listPrice
        : Math.round(listPrice * (0.9 + random.next() * 0.2) * 100) / 100;
      const qty = negativeQty.hit(lineRow)
        ? -random.int(1, 10)
        : random.chance(0.95)
          ? random.int(1, 20)
          : random.int(21, 500);
      const discount = random.chance(0.02) ? Number.NaN : random.chance(0.7) ? 0 : random.pick(DISCOUNTS);
      lineProd[l] = prodNo;
      lineQty[l] = qty;
      linePrice[l] = price;
      lineDiscount[l] = discount;
      total += qty * price * (1 - (Number.isNaN(discount) ? 0 : discount));
    }
    linesLeft -= lineCount;
    total = Math.round(total * 100) / 100;

    // Orders are roughly in date order, as a legacy system numbers them.
    const day = Math.min(
      LAST_DAY,
      Math.max(FIRST_DAY, FIRST_DAY + Math.floor(((LAST_DAY - FIRST_DAY) * i) / orders) + random.int(-3, 3)),
    );
    const status = pickStatus(random, i > orders * 0.97);
    const shipped = status === 'SHIPPED' || status === 'INVOICED';
    const shipDate = shipped ? formatDate(day + random.int(1, 14)) : null;
    const custNo = orphanCustomer.hit(i)
      ? customers + random.int(1, 1000)
      : 1 + Math.floor(customers * random.next() ** 2);
    const totalValue = random.chance(0.02) ? null : total;

    insertOrder.run(
      orderNo,
      custNo,
      oddOrderDate.hit(i) ? random.pick(ODD_DATES) : formatDate(day),
      oddShipDate.hit(i) ? random.pick(ODD_DATES) : shipDate,
      status,
      commaTotal.hit(i) ? total.toFixed(2).replace('.', ',') : totalValue,
      pickCurrency(random),
    );
    yield;
    for (let l = 0; l < lineCount; l++) {
      const discount = lineDiscount[l]!;
      insertLine.run(
        orderNo,
        l + 1,
        lineProd[l],
        lineQty[l],
        linePrice[l],
        Number.isNaN(discount) ? null : discount,
      );
      yield;
    }
  }
  return [
    {
      table: 'Orders',
      rows: orders,
      dirty: [orphanCustomer.count(), oddOrderDate.count(), oddShipDate.count(), commaTotal.count()],
    },
    {
      table: 'OrderLines',
      rows: orderLines - linesLeft,
      dirty: [negativeQty.count(), orphanProduct.count()],
    },
  ];
}
