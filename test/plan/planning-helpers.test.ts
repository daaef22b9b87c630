import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { enforceErrorPolicy } from '../../src/engine/error-policy.ts';
import { applyNaming } from '../../src/plan/naming.ts';
import { splitIntoPartitions } from '../../src/plan/partitions.ts';
import { orderByDependencies } from '../../src/plan/table-order.ts';

describe('table order', () => {
  it('puts parents first, stably by name', () => {
    const deps: Record<string, string[]> = {
      lines: ['orders', 'products'],
      orders: ['customers'],
      customers: [],
      products: [],
    };
    assert.deepEqual(
      orderByDependencies(Object.keys(deps), (t) => deps[t]!),
      {
        order: ['customers', 'products', 'orders', 'lines'],
        cycle: [],
      },
    );
  });

  it('ignores self references and reports cycles', () => {
    const deps: Record<string, string[]> = { a: ['b'], b: ['a'], c: ['c'], d: ['a'] };
    assert.deepEqual(
      orderByDependencies(Object.keys(deps), (t) => deps[t]!),
      { order: ['c', 'a', 'b', 'd'], cycle: ['a', 'b', 'd'] },
    );
  });
});

describe('partitions', () => {
  it('keeps small tables and tables without a key whole', () => {
    assert.deepEqual(
      splitIntoPartitions({ rowCount: 10, partitionKey: { column: 'id', min: 1, max: 10 } }, 100),
      [{ index: 0, bounds: { kind: 'whole' } }],
    );
    assert.equal(splitIntoPartitions({ rowCount: 10_000, partitionKey: null }, 100).length, 1);
  });

  it('covers the key span with open-ended, non-overlapping ranges', () => {
    const parts = splitIntoPartitions(
      { rowCount: 1000, partitionKey: { column: 'id', min: -5, max: 994 } },
      300,
    );
    assert.equal(parts.length, 4);
    const bounds = parts.map((p) => (p.bounds.kind === 'key-range' ? [p.bounds.from, p.bounds.to] : null));
    assert.deepEqual(bounds, [
      [null, 245],
      [245, 495],
      [495, 745],
      [745, null],
    ]);
  });

  it('never makes more partitions than keys', () => {
    assert.equal(
      splitIntoPartitions({ rowCount: 5000, partitionKey: { column: 'id', min: 1, max: 3 } }, 1000).length,
      3,
    );
  });
});

describe('naming', () => {
  it('applies the naming rules', () => {
    assert.equal(applyNaming('CustNo', 'snake_case'), 'cust_no');
    assert.equal(applyNaming('OrderLines', 'snake_case'), 'order_lines');
    assert.equal(applyNaming('Weight_kg', 'snake_case'), 'weight_kg');
    assert.equal(applyNaming('Line2', 'snake_case'), 'line2');
    assert.equal(applyNaming('CustNo', 'lower'), 'custno');
    assert.equal(applyNaming('CustNo', 'keep'), 'CustNo');
  });
});

describe('error policy', () => {
  it('stops past maxRejects', () => {
    assert.doesNotThrow(() => enforceErrorPolicy({ maxRejects: 2 }, { extracted: 10, rejected: 2 }));
    assert.throws(
      () => enforceErrorPolicy({ maxRejects: 2 }, { extracted: 10, rejected: 3 }),
      /maxRejects \(2\)/,
    );
  });

  it('enforces maxRejectRate after 1,000 rows, and always at the end', () => {
    assert.doesNotThrow(() => enforceErrorPolicy({ maxRejectRate: 0.1 }, { extracted: 999, rejected: 500 }));
    assert.throws(
      () => enforceErrorPolicy({ maxRejectRate: 0.1 }, { extracted: 1000, rejected: 101 }),
      /10\.10% of 1000/,
    );
    assert.throws(
      () => enforceErrorPolicy({ maxRejectRate: 0.1 }, { extracted: 10, rejected: 2 }, true),
      /maxRejectRate/,
    );
  });
});
