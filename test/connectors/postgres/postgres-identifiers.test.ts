import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  derivedName,
  ident,
  MAX_IDENTIFIER_BYTES,
  qualified,
  quotePostgresIdentifier,
  shortenPostgresIdentifier,
} from '../../../src/connectors/postgres/postgres-identifiers.ts';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('shortenPostgresIdentifier', () => {
  it('keeps names of up to 63 bytes as they are', () => {
    for (const name of ['order', 'Mixed Case', 'x'.repeat(63), 'é'.repeat(31) + 'x']) {
      assert.equal(shortenPostgresIdentifier(name), name);
    }
  });

  it('shortens longer names to exactly 63 bytes with a hash suffix, deterministically', () => {
    const name = 'a'.repeat(70);
    const short = shortenPostgresIdentifier(name);
    assert.equal(bytes(short), MAX_IDENTIFIER_BYTES);
    assert.match(short, /^a{54}_[0-9a-f]{8}$/);
    assert.equal(shortenPostgresIdentifier(name), short);
  });

  it('never lets two long names with the same 63-byte prefix collide', () => {
    const prefix = 'customer_order_line_item_delivery_schedule_adjustment_history_archive_';
    assert.ok(bytes(prefix) >= 63);
    const names = ['alpha', 'beta', 'gamma', 'delta'].map((s) => prefix + s);
    const shortened = new Set(names.map(shortenPostgresIdentifier));
    assert.equal(shortened.size, names.length);
    for (const short of shortened) assert.ok(bytes(short) <= MAX_IDENTIFIER_BYTES);
  });

  it('cuts multibyte names on a character boundary', () => {
    const name = '漢'.repeat(30); // 90 bytes
    const short = shortenPostgresIdentifier(name);
    assert.ok(bytes(short) <= MAX_IDENTIFIER_BYTES);
    assert.ok(!short.includes('\ufffd'));
    assert.match(short, /^漢+_[0-9a-f]{8}$/);
    const emoji = '😀'.repeat(20);
    assert.match(shortenPostgresIdentifier(emoji), /^(😀)+_[0-9a-f]{8}$/);
  });
});

describe('quoting', () => {
  it('double-quotes every identifier and doubles embedded quotes', () => {
    assert.equal(quotePostgresIdentifier('order'), '"order"');
    assert.equal(quotePostgresIdentifier('a"b'), '"a""b"');
    assert.equal(ident('user'), '"user"');
    assert.equal(qualified('public', 'order'), '"public"."order"');
  });

  it('quotes the shortened form of long names', () => {
    const name = 'n'.repeat(80);
    assert.equal(ident(name), `"${shortenPostgresIdentifier(name)}"`);
  });

  it('builds derived names from parts, shortened as a whole', () => {
    assert.equal(derivedName('orders', 'status', 'enum'), 'orders_status_enum');
    const long = derivedName('t'.repeat(60), 'status', 'enum');
    assert.equal(bytes(long), MAX_IDENTIFIER_BYTES);
    assert.notEqual(long, derivedName('t'.repeat(60), 'state', 'enum'));
  });
});
