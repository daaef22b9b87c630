/** `jivs plan`: the dry run shows load order, column mapping and partitions, and touches no target. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { MigrationPlan } from '../../src/plan/plan-types.ts';
import { copyDemo, editSpec } from './demo-fixture.ts';
import { describeResult, parseJson, runJivs } from './run-jivs.ts';
import { tempDir } from '../support/temp-dir.ts';

/** The demo spec with a target that does not exist yet and partitions small enough to split OrderLines. */
async function planSpec(demo: string): Promise<string> {
  return editSpec(demo, 'plan.yaml', (doc) => {
    doc.setIn(['target', 'path'], 'plan-target.db');
    doc.set('partitionRows', 1000);
  });
}

/** Target table names in the order of the "Load order" table. */
function loadOrder(stdout: string): string[] {
  const lines = stdout.split('\n');
  const start = lines.indexOf('Load order');
  assert.ok(start >= 0, stdout);
  const order: string[] = [];
  for (const line of lines.slice(start + 3)) {
    const match = /^(\d+)\s+(\S+)\s+(\S+)\s/.exec(line);
    if (!match) break;
    assert.equal(Number(match[1]), order.length + 1);
    order.push(match[3]!);
  }
  return order;
}

describe('jivs plan', { concurrency: true }, () => {
  test('prints load order, column mapping and partitions, and moves no data', async (t) => {
    const demo = await copyDemo(await tempDir('jivs-cli-', t));
    const spec = await planSpec(demo);
    const result = await runJivs(['plan', spec], { cwd: demo });
    assert.equal(result.code, 0, describeResult(result));

    const order = loadOrder(result.stdout);
    assert.deepEqual([...order].sort(), ['customer', 'order_lines', 'orders', 'products']);
    const at = (table: string) => order.indexOf(table);
    assert.ok(at('customer') < at('orders'), order.join(', '));
    assert.ok(at('products') < at('order_lines'), order.join(', '));
    assert.ok(at('orders') < at('order_lines'), order.join(', '));

    assert.match(result.stdout, /^Customers → customer$/m);
    assert.match(result.stdout, /^CustNo\s+INTEGER\s+cust_no\s/m);
    assert.match(result.stdout, /^EMail\s+VARCHAR\(120\)\s+email_address\s/m);
    assert.match(result.stdout, /^CreditLimit\s+DECIMAL\(12,2\)\s+credit_limit\s+decimal\(14,2\)\s/m);
    // Transforms, rules, masks and personal data are part of the plan.
    assert.match(
      result.stdout,
      /^EMail\s+VARCHAR\(120\)\s+email_address\s+varchar\(120\)\s+yes\s+trim, lower, nullIfEmpty\s+1\s+personal$/m,
    );
    assert.match(result.stdout, /^Phone\s+VARCHAR\(30\)\s+phone\s+text\s+yes\s+partial$/m);
    assert.match(result.stdout, /^ {2}personal data: email_address, phone$/m);
    assert.match(result.stdout, /^\(computed\)\s+line_total\s+decimal\(14,2\)\s+yes\s+expr$/m);
    assert.match(result.stdout, /^ {2}rule: check ShipDate == null \|\| ShipDate >= OrderDate \[minor\]$/m);
    assert.match(result.stdout, /^OrderLines → order_lines$/m);
    assert.match(result.stdout, /^ {2}foreign key \(order_no\) → orders \(order_no\)$/m);
    assert.match(result.stdout, /^ {2}partitioned by \S+ into 2 key ranges$/m);
    assert.match(result.stdout, /^4\s+OrderLines\s+order_lines\s+create\s+1,740\s+2$/m);
    assert.match(result.stdout, /no data was moved/);

    assert.equal(existsSync(join(demo, 'plan-target.db')), false, 'plan does not create the target');
  });

  test('--json gives the plan with partitions per table', async (t) => {
    const demo = await copyDemo(await tempDir('jivs-cli-', t));
    const spec = await planSpec(demo);
    const result = await runJivs(['plan', spec, '--json'], { cwd: demo });
    assert.equal(result.code, 0, describeResult(result));
    const plan = parseJson<MigrationPlan>(result);
    assert.deepEqual(
      plan.tables.map((t) => [t.source.name, t.target.name]),
      [
        ['Customers', 'customer'],
        ['Products', 'products'],
        ['Orders', 'orders'],
        ['OrderLines', 'order_lines'],
      ],
    );
    for (const table of plan.tables) {
      assert.ok(Array.isArray(table.partitions) && table.partitions.length >= 1, table.target.name);
      assert.deepEqual(
        table.partitions.map((p) => p.index),
        table.partitions.map((_p, i) => i),
      );
    }
    const lines = plan.tables.find((t) => t.target.name === 'order_lines')!;
    assert.equal(lines.partitions.length, 2);
    const [first, second] = lines.partitions.map((p) => p.bounds);
    assert.ok(first?.kind === 'key-range' && second?.kind === 'key-range', JSON.stringify(lines.partitions));
    assert.equal(first.from, null, 'the first range is open below');
    assert.equal(second.to, null, 'the last range is open above');
    assert.equal(first.to, second.from, 'the ranges meet without a gap');
    const customer = plan.tables.find((t) => t.target.name === 'customer')!;
    const email = customer.columns.find((c) => c.source.name === 'EMail');
    assert.equal(email?.target.name, 'email_address');
    assert.equal(existsSync(join(demo, 'plan-target.db')), false, 'plan does not create the target');
  });

  test('a bad spec exits 2 without the "nothing was migrated" of data-moving commands', async (t) => {
    const demo = await copyDemo(await tempDir('jivs-cli-', t));
    const spec = await editSpec(demo, 'bad.yaml', (doc) => doc.set('naming', 'snake'));
    const result = await runJivs(['plan', spec], { cwd: demo });
    assert.equal(result.code, 2, describeResult(result));
    assert.match(result.stderr, /^error: fix the input and run again:$/m);
    assert.match(
      result.stderr,
      /^ {2}naming: must be one of "keep", "snake_case", "lower", got string "snake"/m,
    );
  });
});
