/**
 * Issue 14, "what is not migrated must be said": a PostgreSQL source (view, materialized view,
 * trigger, function, expression index, check, a default JiVS cannot translate) and a SQLite source
 * (view, trigger, partial index, generated column, expression default) list each of those as not
 * migrated, with the reason, in `jivs plan` and the run report. `jivs plan --ddl` prints what a SQLite
 * target stores (SQLite keeps the CREATE statements as sent) and says a CSV target has no DDL.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import type { SkippedObject } from '../../src/connectors/connector.ts';
import type { MigrationPlan } from '../../src/plan/plan-types.ts';
import { jivsStdout } from '../cli/run-jivs.ts';
import { runSpec, writeSpec } from '../support/run-spec.ts';
import { tempDir } from '../support/temp-dir.ts';
import { postgresEndpoint } from '../support/database-endpoints.ts';

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const names = (objects: readonly SkippedObject[]) =>
  objects.map((o) => `${o.kind} ${o.table === undefined ? '' : `${o.table}.`}${o.name}`).sort();

test('a PostgreSQL source lists its view, trigger, function, expression index, check and default', async () => {
  const source = await postgresEndpoint();
  cleanups.push(() => source.drop());
  await source.exec(`
    CREATE TABLE item (
      id int PRIMARY KEY,
      name text NOT NULL,
      code text DEFAULT upper('x'),
      price numeric(8,2) CONSTRAINT item_price_positive CHECK (price > 0)
    );
    CREATE INDEX item_lower_name ON item (lower(name));
    INSERT INTO item VALUES (1, 'Pen', 'P', 1.5), (2, 'Ink', 'I', 3);
    CREATE VIEW v_item AS SELECT id, name FROM item;
    CREATE MATERIALIZED VIEW mv_item AS SELECT id FROM item;
    CREATE FUNCTION touch_item() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
    CREATE TRIGGER item_touch BEFORE UPDATE ON item FOR EACH ROW EXECUTE FUNCTION touch_item();
  `);
  const dir = await tempDir();
  const spec = { source: source.spec, target: { type: 'sqlite', path: join(dir, 'target.db') } };
  const file = await writeSpec(dir, spec);

  const plan = JSON.parse(await jivsStdout(dir, ['plan', '--json', file])) as MigrationPlan;
  assert.deepEqual(names(plan.notMigrated), [
    'check constraint item.item_price_positive',
    'default item.code',
    'function touch_item()',
    'index item.item_lower_name',
    'materialized view mv_item',
    'trigger item.item_touch',
    'view v_item',
  ]);
  const reasonOf = (name: string) => plan.notMigrated.find((o) => o.name === name)!.reason;
  assert.match(reasonOf('item_lower_name'), /an index over an expression/);
  assert.match(reasonOf('item_price_positive'), /^CHECK \(\(price > \(0\)::numeric\)\) is not migrated/);
  assert.match(reasonOf('code'), /^the default upper\('x'::text\) has no portable form/);

  // The SQLite target keeps each CREATE statement as it was sent: exactly the DDL of the plan.
  const ddl = await jivsStdout(dir, ['plan', '--ddl', file]);
  const { report, store } = await runSpec(dir, spec);
  cleanups.push(() => store.close());
  assert.equal(report.status, 'succeeded', report.error ?? '');
  assert.deepEqual(report.notMigrated, plan.notMigrated);
  const db = new Database(join(dir, 'target.db'), { readonly: true });
  try {
    const stored = db.prepare(`SELECT sql FROM sqlite_schema WHERE name = 'item'`).pluck().get() as string;
    assert.ok(ddl.includes(`${stored};`), `${stored}\nnot in\n${ddl}`);
  } finally {
    db.close();
  }
});

test('a SQLite source lists its view, trigger, partial index, generated column and default; a CSV target has no DDL', async () => {
  const dir = await tempDir();
  const path = join(dir, 'legacy.db');
  const db = new Database(path);
  db.exec(`
    CREATE TABLE person (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      born TEXT DEFAULT (date('now')),
      shout TEXT GENERATED ALWAYS AS (upper(name)) VIRTUAL
    );
    CREATE INDEX person_named ON person (name) WHERE name <> '';
    CREATE VIEW v_person AS SELECT id, name FROM person;
    CREATE TRIGGER person_trim AFTER INSERT ON person BEGIN UPDATE person SET name = trim(name) WHERE id = NEW.id; END;
    INSERT INTO person (id, name, born) VALUES (1, 'Ada', '1815-12-10');
  `);
  db.close();
  const spec = { source: { type: 'sqlite', path }, target: { type: 'sqlite', path: join(dir, 'new.db') } };
  const file = await writeSpec(dir, spec);

  const text = await jivsStdout(dir, ['plan', file]);
  assert.match(text, /^Not migrated \(5\)$/m);
  assert.match(text, /^view\s+v_person\s+JiVS migrates tables, not views/m);
  assert.match(text, /^trigger\s+person\.person_trim\s+triggers are not migrated/m);
  assert.match(text, /^index\s+person\.person_named\s+a partial index \(with a WHERE clause\)/m);
  assert.match(text, /^generated column\s+person\.shout\s+SQLite computes this column/m);
  assert.match(text, /^default\s+person\.born\s+the default date\('now'\) has no portable form/m);

  const { report, store } = await runSpec(dir, spec);
  cleanups.push(() => store.close());
  assert.equal(report.status, 'succeeded', report.error ?? '');
  assert.equal(report.notMigrated.length, 5);

  // A file holds no schema: no DDL, and no column defaults to speak of (the source's objects still count).
  const csv = await writeSpec(dir, { ...spec, target: { type: 'csv', path: join(dir, 'out') } });
  assert.equal(
    (await jivsStdout(dir, ['plan', '--ddl', csv])).trim(),
    '-- The csv target has no DDL: its files hold the rows only (no types, keys or indexes).',
  );
  assert.match(await jivsStdout(dir, ['plan', csv]), /^Not migrated \(4\)$/m);
});
