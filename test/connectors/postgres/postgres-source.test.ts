import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RowBatch, Source, TableSchema } from '../../../src/connectors/connector.ts';
import { openPostgresSource } from '../../../src/connectors/postgres/index.ts';
import { splitIntoPartitions } from '../../../src/plan/partitions.ts';
import { createTestSchema, postgresEndpoint, type TestSchema } from './postgres-test-schema.ts';

const SETUP = `
  CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
  CREATE DOMAIN short_code AS varchar(8);
  CREATE TABLE customers (
    id serial PRIMARY KEY,
    code short_code NOT NULL,
    name varchar(80) NOT NULL DEFAULT 'anonymous',
    email text,
    country char(2) DEFAULT 'CH',
    balance numeric(12,2) NOT NULL DEFAULT 0,
    rating real DEFAULT -1.5,
    active boolean DEFAULT true,
    feeling mood DEFAULT 'ok',
    feelings mood[],
    tags text[] DEFAULT '{}',
    created timestamptz DEFAULT now(),
    born date DEFAULT CURRENT_DATE,
    wakes time,
    seen timestamp(3),
    photo bytea,
    settings jsonb,
    extra json,
    ref uuid DEFAULT gen_random_uuid(),
    span interval,
    ip inet,
    doubled numeric GENERATED ALWAYS AS (balance * 2) STORED
  );
  COMMENT ON TABLE customers IS 'People who buy';
  COMMENT ON COLUMN customers.email IS 'Where invoices go';
  CREATE UNIQUE INDEX customers_code_key ON customers (code);
  CREATE INDEX idx_customers_name_country ON customers (name, country) INCLUDE (email);
  CREATE INDEX idx_customers_lower_email ON customers (lower(email));
  CREATE INDEX idx_customers_active ON customers (email) WHERE active;
  CREATE INDEX idx_customers_tags ON customers USING gin (tags);
  ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email);
  CREATE TABLE orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id int REFERENCES customers (id) ON DELETE CASCADE ON UPDATE SET NULL,
    customer_code varchar(8) REFERENCES customers (code),
    total numeric(10,2)
  );
  CREATE TABLE order_lines (
    order_id bigint,
    line int,
    qty int NOT NULL,
    PRIMARY KEY (order_id, line),
    CONSTRAINT fk_lines_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE RESTRICT
  );
  CREATE TABLE "order" ("user" text, "select" int);
  CREATE VIEW customer_names AS SELECT name FROM customers;
  CREATE TABLE measurements (id int NOT NULL, taken date NOT NULL, value float8) PARTITION BY RANGE (taken);
  CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
  CREATE TABLE numbers (id int PRIMARY KEY, label text);
  INSERT INTO numbers SELECT i, 'n' || i FROM generate_series(-5, 9994) AS i;
  INSERT INTO measurements VALUES (1, '2024-03-01', 1.5);
`;

describe('PostgresSource', () => {
  let schema: TestSchema;
  let source: Source;
  let tables: TableSchema[];
  const table = (name: string) => {
    const found = tables.find((t) => t.name === name);
    assert.ok(found, `no table ${name}`);
    return found;
  };

  before(async () => {
    schema = await createTestSchema('jivs_source');
    await schema.sql(SETUP);
    source = await openPostgresSource(postgresEndpoint(schema.name), 'source');
    tables = await source.introspector.listTables();
  });
  after(async () => {
    await source.close();
    await schema.drop();
  });

  describe('introspection', () => {
    it('lists base and partitioned tables, not views or partitions', () => {
      assert.deepEqual(
        tables.map((t) => t.name),
        ['customers', 'measurements', 'numbers', 'order', 'order_lines', 'orders'],
      );
    });

    it('maps column types, nullability, portable defaults, identity and comments', () => {
      const customers = table('customers');
      const byName = new Map(customers.columns.map((c) => [c.name, c]));
      const summary = customers.columns.map((c) => [
        c.name,
        c.nativeType,
        c.type,
        c.nullable,
        c.defaultValue,
      ]);
      // Types outside the search path are printed with their schema.
      assert.deepEqual(summary, [
        ['id', 'integer', { kind: 'integer' }, false, null],
        ['code', `${schema.name}.short_code`, { kind: 'text', length: 8 }, false, null],
        ['name', 'character varying(80)', { kind: 'text', length: 80 }, false, "'anonymous'"],
        ['email', 'text', { kind: 'text' }, true, null],
        ['country', 'character(2)', { kind: 'text', length: 2 }, true, "'CH'"],
        ['balance', 'numeric(12,2)', { kind: 'decimal', precision: 12, scale: 2 }, false, '0'],
        ['rating', 'real', { kind: 'float' }, true, '-1.5'],
        ['active', 'boolean', { kind: 'boolean' }, true, 'TRUE'],
        [
          'feeling',
          `${schema.name}.mood`,
          { kind: 'text', enumValues: ['sad', 'ok', 'happy'] },
          true,
          "'ok'",
        ],
        [
          'feelings',
          `${schema.name}.mood[]`,
          { kind: 'text', enumValues: ['sad', 'ok', 'happy'], array: true },
          true,
          null,
        ],
        ['tags', 'text[]', { kind: 'text', array: true }, true, "'{}'"],
        ['created', 'timestamp with time zone', { kind: 'timestamptz' }, true, 'CURRENT_TIMESTAMP'],
        ['born', 'date', { kind: 'date' }, true, 'CURRENT_DATE'],
        ['wakes', 'time without time zone', { kind: 'time' }, true, null],
        ['seen', 'timestamp(3) without time zone', { kind: 'timestamp' }, true, null],
        ['photo', 'bytea', { kind: 'binary' }, true, null],
        ['settings', 'jsonb', { kind: 'json' }, true, null],
        ['extra', 'json', { kind: 'json' }, true, null],
        ['ref', 'uuid', { kind: 'uuid' }, true, null],
        ['span', 'interval', { kind: 'text' }, true, null],
        ['ip', 'inet', { kind: 'text' }, true, null],
        ['doubled', 'numeric', { kind: 'decimal' }, true, null],
      ]);
      assert.equal(byName.get('id')!.autoIncrement, true);
      assert.deepEqual(
        [...byName.values()].filter((c) => c.typeFallback).map((c) => c.name),
        ['span', 'ip'],
        'types without a mapping are flagged for jivs plan',
      );
      assert.equal(byName.get('doubled')!.generated, true);
      assert.equal(byName.get('email')!.comment, 'Where invoices go');
      assert.equal(customers.comment, 'People who buy');
      assert.equal(table('orders').columns[0]!.autoIncrement, true);
      assert.equal(table('orders').columns[0]!.type.kind, 'bigint');
    });

    it('reads primary keys, unique and plain indexes, skipping expression, partial and non-btree ones', () => {
      const customers = table('customers');
      assert.deepEqual(customers.primaryKey, ['id']);
      assert.deepEqual(customers.indexes, [
        { name: 'customers_code_key', columns: ['code'], unique: true },
        { name: 'customers_email_key', columns: ['email'], unique: true },
        { name: 'idx_customers_name_country', columns: ['name', 'country'], unique: false },
      ]);
      assert.deepEqual(table('order_lines').primaryKey, ['order_id', 'line']);
      assert.deepEqual(table('order').primaryKey, []);
    });

    it('reads foreign keys with their actions', () => {
      assert.deepEqual(table('orders').foreignKeys, [
        {
          name: 'orders_customer_code_fkey',
          columns: ['customer_code'],
          referencedTable: 'customers',
          referencedColumns: ['code'],
          onDelete: 'NO ACTION',
          onUpdate: 'NO ACTION',
        },
        {
          name: 'orders_customer_id_fkey',
          columns: ['customer_id'],
          referencedTable: 'customers',
          referencedColumns: ['id'],
          onDelete: 'CASCADE',
          onUpdate: 'SET NULL',
        },
      ]);
      assert.deepEqual(table('order_lines').foreignKeys, [
        {
          name: 'fk_lines_order',
          columns: ['order_id'],
          referencedTable: 'orders',
          referencedColumns: ['id'],
          onDelete: 'RESTRICT',
          onUpdate: 'NO ACTION',
        },
      ]);
    });

    it('counts rows and finds the span of a single integer primary key', async () => {
      assert.deepEqual(await source.introspector.statistics(table('numbers')), {
        rowCount: 10_000,
        partitionKey: { column: 'id', min: -5, max: 9994 },
      });
      assert.deepEqual(await source.introspector.statistics(table('order_lines')), {
        rowCount: 0,
        partitionKey: null,
      });
      assert.deepEqual(await source.introspector.statistics(table('orders')), {
        rowCount: 0,
        partitionKey: null,
      });
      assert.deepEqual(await source.introspector.statistics(table('measurements')), {
        rowCount: 1,
        partitionKey: null,
      });
    });
  });

  describe('read', () => {
    async function readAll(name: string, columns: string[], bounds = { kind: 'whole' } as const) {
      const rows: RowBatch = [];
      for await (const batch of source.read(table(name), columns, bounds, 1000)) rows.push(...batch);
      return rows;
    }

    it('reads every row exactly once across key-range partitions, in key order within each', async () => {
      const statistics = await source.introspector.statistics(table('numbers'));
      const partitions = splitIntoPartitions(statistics, 1500);
      assert.ok(partitions.length >= 6);
      const seen = new Map<number, number>();
      for (const partition of partitions) {
        let previous = -Infinity;
        for await (const batch of source.read(table('numbers'), ['label', 'id'], partition.bounds, 700)) {
          assert.ok(batch.length <= 700);
          for (const [label, id] of batch as [string, number][]) {
            assert.equal(label, `n${id}`);
            assert.ok(id > previous);
            previous = id;
            seen.set(id, (seen.get(id) ?? 0) + 1);
          }
        }
      }
      assert.equal(seen.size, 10_000);
      assert.ok([...seen.values()].every((n) => n === 1));
    });

    it('honours open-ended and closed key ranges', async () => {
      const count = async (from: number | null, to: number | null) => {
        let n = 0;
        const bounds = { kind: 'key-range', keyColumn: 'id', from, to } as const;
        for await (const batch of source.read(table('numbers'), ['id'], bounds, 5000)) n += batch.length;
        return n;
      };
      assert.equal(await count(null, 0), 5);
      assert.equal(await count(9990, null), 5);
      assert.equal(await count(10, 20), 10);
      assert.equal(await count(null, null), 10_000);
      assert.equal(await count(20_000, null), 0);
    });

    it('reads values of types without a portable form as their text', async () => {
      await schema.sql(
        `INSERT INTO customers (code, email, span, ip, wakes, seen, feelings, settings)
         VALUES ('c1', 'a@example.com', '1 day 02:00:00', '10.0.0.1/8', '07:30:00', '2024-01-02 03:04:05.678',
                 '{sad,happy}', '{"b": 2, "a": [1]}')`,
      );
      const [row] = await readAll('customers', [
        'code',
        'span',
        'ip',
        'wakes',
        'seen',
        'feelings',
        'doubled',
        'settings',
      ]);
      assert.deepEqual(row, [
        'c1',
        '1 day 02:00:00',
        '10.0.0.1/8',
        '07:30:00',
        '2024-01-02 03:04:05.678',
        ['sad', 'happy'],
        '0.00',
        '{"a": [1], "b": 2}',
      ]);
    });

    it('reads reserved-word tables and columns', async () => {
      await schema.sql(`INSERT INTO "order" VALUES ('alice', 1)`);
      assert.deepEqual(await readAll('order', ['select', 'user']), [[1, 'alice']]);
    });

    it('releases its connection when the consumer stops early', async () => {
      const single = await openPostgresSource(postgresEndpoint(schema.name, { poolSize: 1 }), 'single');
      try {
        const numbers = (await single.introspector.listTables()).find((t) => t.name === 'numbers')!;
        for (let round = 0; round < 3; round++) {
          for await (const batch of single.read(numbers, ['id'], { kind: 'whole' }, 10)) {
            assert.equal(batch.length, 10);
            break;
          }
        }
        // With one connection, this read only starts if the early-stopped ones gave theirs back.
        let rows = 0;
        for await (const batch of single.read(numbers, ['id'], { kind: 'whole' }, 4000)) rows += batch.length;
        assert.equal(rows, 10_000);
      } finally {
        await single.close();
      }
    });

    it('fails the read when its backend is terminated, and the next read works', async () => {
      const batches = source.read(table('numbers'), ['id', 'label'], { kind: 'whole' }, 100);
      const iterator = batches[Symbol.asyncIterator]();
      assert.equal((await iterator.next()).value?.length, 100);
      const killed = await schema.sql<{ done: boolean }>(
        `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity
          WHERE application_name = 'jivs-migrate source' AND query LIKE $1 AND pid <> pg_backend_pid()`,
        [`%${schema.name}%numbers%`],
      );
      assert.deepEqual(killed, [{ done: true }]);
      await assert.rejects(async () => {
        for (;;) if ((await iterator.next()).done) break;
        // Depending on timing the driver sees the server's message or the broken socket.
      }, /terminat|EPIPE|ECONNRESET/i);
      assert.equal((await readAll('numbers', ['id'])).length, 10_000);
    });

    it('reports a failing query (a missing column) and keeps working', async () => {
      await assert.rejects(readAll('numbers', ['nope']), /column "nope" does not exist/);
      assert.equal((await readAll('numbers', ['id'])).length, 10_000);
    });
  });
});
