/**
 * Issue 14, "what is not migrated must be said" and `jivs plan --ddl`, from MariaDB: a view, a
 * trigger, a procedure and a default JiVS cannot translate are listed as not migrated (plan, plan
 * --json and the run report) with their reasons; ON UPDATE CURRENT_TIMESTAMP becomes a trigger in
 * PostgreSQL and stays a column clause in MySQL; FULLTEXT becomes a usable GIN index when asked for
 * (and is listed otherwise); index and foreign-key names are kept where the target allows. The DDL
 * `jivs plan --ddl` prints is exactly what the run creates: run in a second schema (database), it
 * leaves the same catalog as the migration.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { SkippedObject } from '../../src/connectors/connector.ts';
import type { MigrationPlan } from '../../src/plan/plan-types.ts';
import { jivsStdout } from '../cli/run-jivs.ts';
import { runSpec, writeSpec } from '../support/run-spec.ts';
import { tempDir } from '../support/temp-dir.ts';
import { mysqlEndpoint, postgresEndpoint, type DatabaseEndpoint } from '../support/database-endpoints.ts';
import { MYSQL, POSTGRES } from '../support/databases.ts';

const SOURCE = `
  CREATE TABLE customer (
    id int PRIMARY KEY,
    email varchar(100) NOT NULL,
    name varchar(100),
    token varchar(40) DEFAULT (uuid()),
    updated_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    UNIQUE KEY uq_customer_email (email),
    KEY idx_name (name)
  );
  CREATE TABLE article (
    id int PRIMARY KEY,
    customer_id int,
    title varchar(200),
    body text,
    KEY idx_name (title),
    FULLTEXT KEY ft_article (title, body),
    CONSTRAINT fk_article_author FOREIGN KEY (customer_id) REFERENCES customer (id)
  );
  INSERT INTO customer (id, email, name, token, updated_at) VALUES
    (1, 'ann@example.org', 'Ann', 't1', '2001-02-03 04:05:06'), (2, 'bob@example.org', 'Bob', 't2', '2001-02-03 04:05:06');
  INSERT INTO article VALUES (1, 1, 'Quick fox', 'the quick brown fox jumps'), (2, 2, 'Lazy dog', NULL);
  CREATE VIEW v_article AS SELECT id, title FROM article;
  CREATE TRIGGER trg_article BEFORE INSERT ON article FOR EACH ROW SET NEW.title = trim(NEW.title);
  CREATE PROCEDURE p_count() SELECT count(*) FROM article;
`;

const PG = POSTGRES;

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** `kind table.name` of each object, for comparing lists. */
const names = (objects: readonly SkippedObject[]) =>
  objects.map((o) => `${o.kind} ${o.table === undefined ? '' : `${o.table}.`}${o.name}`).sort();

/** What a PostgreSQL schema holds, with the schema's name replaced by S so two schemas compare. */
async function postgresCatalog(
  pool: pg.Pool,
  schema: string,
): Promise<Record<'columns' | 'indexes' | 'constraints' | 'triggers' | 'functions', string[]>> {
  const rows = async (sql: string) =>
    (await pool.query<{ line: string }>(sql, [schema])).rows
      .map((r) => r.line.split(`"${schema}"`).join('S').split(`${schema}.`).join('S.'))
      .sort();
  return {
    columns: await rows(
      `SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull
              || ' ' || a.attidentity::text || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '') AS line
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = $1 AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped`,
    ),
    indexes: await rows(`SELECT indexdef AS line FROM pg_indexes WHERE schemaname = $1`),
    constraints: await rows(
      `SELECT c.relname || ' ' || con.conname || ' ' || pg_get_constraintdef(con.oid) AS line
         FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1`,
    ),
    triggers: await rows(
      `SELECT pg_get_triggerdef(t.oid) AS line FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND NOT t.tgisinternal`,
    ),
    functions: await rows(
      `SELECT p.proname || ' ' || p.prosrc AS line FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = $1`,
    ),
  };
}

describe('not migrated, said with the reason (MariaDB source)', () => {
  let source: DatabaseEndpoint;
  let pool: pg.Pool;
  before(async () => {
    source = await mysqlEndpoint();
    cleanups.push(() => source.drop());
    await source.exec(SOURCE);
    pool = new pg.Pool({ ...PG, max: 2 });
    cleanups.push(() => pool.end());
  });

  test('→ PostgreSQL: listed in plan and report; ON UPDATE trigger, GIN index and names; the DDL is what ran', async () => {
    const target = await postgresEndpoint();
    cleanups.push(() => target.drop());
    const schema = target.spec.schema as string;
    const dir = await tempDir();
    const spec = { source: source.spec, target: { ...target.spec, fullTextIndexes: 'gin' } };
    const file = await writeSpec(dir, spec);

    const plan = JSON.parse(await jivsStdout(dir, ['plan', '--json', file])) as MigrationPlan;
    assert.deepEqual(names(plan.notMigrated), [
      'default customer.token',
      'procedure p_count',
      'trigger article.trg_article',
      'view v_article',
    ]);
    const reason = (kind: string) => plan.notMigrated.find((o) => o.kind === kind)!.reason;
    assert.match(reason('view'), /not views; recreate the view in the target/);
    assert.match(reason('trigger'), /triggers are not migrated/);
    assert.match(reason('procedure'), /stored procedures are not migrated/);
    assert.match(reason('default'), /the default uuid\(\) has no portable form/);
    const article = plan.tables.find((t) => t.source.name === 'article')!;
    assert.ok(
      article.notes.includes(
        'index idx_name is named article_idx_name in the target: its name is taken there.',
      ),
      article.notes.join('\n'),
    );

    const text = await jivsStdout(dir, ['plan', file]);
    assert.match(text, /^Not migrated \(4\)$/m);
    assert.match(text, /^view\s+v_article\s+JiVS migrates tables, not views/m);
    assert.match(text, /^trigger\s+article\.trg_article\s+triggers are not migrated/m);

    const ddl = await jivsStdout(dir, ['plan', '--ddl', file]);
    assert.match(
      ddl,
      /USING gin \(to_tsvector\('simple', coalesce\("title", ''\) \|\| ' ' \|\| coalesce\("body", ''\)\)\);/,
    );
    assert.match(ddl, /CREATE TRIGGER "customer_on_update" BEFORE UPDATE ON/);
    assert.match(ddl, /ADD CONSTRAINT "fk_article_author" FOREIGN KEY \("customer_id"\)/);
    assert.match(ddl, /ADD CONSTRAINT "uq_customer_email" UNIQUE \("email"\)/);
    assert.match(ddl, /^-- {3}view v_article$/m);

    // The same script, run in a second schema, must leave the catalog the migration leaves.
    const copy = `${schema}_ddl`;
    await pool.query(`CREATE SCHEMA "${copy}"`);
    cleanups.push(async () => void (await pool.query(`DROP SCHEMA "${copy}" CASCADE`)));
    await pool.query(ddl.split(`"${schema}"`).join(`"${copy}"`));

    const { report, store } = await runSpec(dir, spec);
    cleanups.push(() => store.close());
    assert.equal(report.status, 'succeeded', report.error ?? '');
    assert.ok(report.verified);
    assert.deepEqual(report.notMigrated, plan.notMigrated);
    assert.deepEqual(await postgresCatalog(pool, schema), await postgresCatalog(pool, copy));

    const catalog = await postgresCatalog(pool, schema);
    assert.ok(catalog.constraints.some((c) => c.startsWith('article fk_article_author FOREIGN KEY')));
    assert.ok(catalog.constraints.some((c) => c.startsWith('customer uq_customer_email UNIQUE')));
    assert.ok(catalog.indexes.some((i) => i.startsWith('CREATE INDEX idx_name ON S.customer')));
    assert.ok(catalog.indexes.some((i) => i.startsWith('CREATE INDEX article_idx_name ON S.article')));

    // ON UPDATE CURRENT_TIMESTAMP: an update sets the time, unless it sets the column itself.
    const table = `"${schema}".customer`;
    const touched = await pool.query<{ fresh: boolean }>(
      `UPDATE ${table} SET name = 'Anna' WHERE id = 1 RETURNING updated_at > now() - interval '1 hour' AS fresh`,
    );
    assert.equal(touched.rows[0]!.fresh, true);
    const explicit = await pool.query<{ at: string }>(
      `UPDATE ${table} SET name = 'Bobby', updated_at = '2010-01-01' WHERE id = 2 RETURNING updated_at::text AS at`,
    );
    assert.equal(explicit.rows[0]!.at, '2010-01-01 00:00:00');

    // FULLTEXT → GIN: the query of the README finds the row, through the index.
    const client = await pool.connect();
    try {
      await client.query('SET enable_seqscan = off');
      const query = `FROM "${schema}".article WHERE to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(body, '')) @@ to_tsquery('simple', 'fox')`;
      const found = await client.query<{ id: number }>(`SELECT id ${query}`);
      assert.deepEqual(
        found.rows.map((r) => r.id),
        [1],
      );
      const explain = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT id ${query}`);
      assert.match(explain.rows.map((r) => r['QUERY PLAN']).join('\n'), /Index Scan on ft_article/);
    } finally {
      client.release();
    }
  });

  test('→ PostgreSQL without fullTextIndexes: the FULLTEXT index is listed with the option to set', async () => {
    const dir = await tempDir();
    const file = await writeSpec(dir, {
      source: source.spec,
      target: { type: 'postgres', ...PG, schema: 'unused' },
    });
    const plan = JSON.parse(await jivsStdout(dir, ['plan', '--json', file])) as MigrationPlan;
    const fullText = plan.notMigrated.find((o) => o.name === 'ft_article');
    assert.equal(fullText?.kind, 'index');
    assert.equal(fullText.table, 'article');
    assert.match(fullText.reason, /set target\.fullTextIndexes: gin/);
    assert.equal(plan.tables.find((t) => t.source.name === 'article')!.target.fullTextIndexes, undefined);
  });

  test('→ MySQL: ON UPDATE and FULLTEXT kept; the DDL is what ran', async () => {
    const target = await mysqlEndpoint();
    cleanups.push(() => target.drop());
    const dir = await tempDir();
    const spec = { source: source.spec, target: target.spec };
    const file = await writeSpec(dir, spec);
    const ddl = await jivsStdout(dir, ['plan', '--ddl', file]);
    assert.match(ddl, /ON UPDATE CURRENT_TIMESTAMP\(6\)/);
    assert.match(ddl, /ALTER TABLE `article` ADD FULLTEXT INDEX `ft_article` \(`title`, `body`\);/);

    const copy = `${target.spec.database as string}_ddl`;
    const admin = await mysql.createConnection({ ...MYSQL, multipleStatements: true });
    cleanups.push(() => admin.end());
    await admin.query(`CREATE DATABASE \`${copy}\` CHARACTER SET utf8mb4`);
    cleanups.push(async () => void (await admin.query(`DROP DATABASE \`${copy}\``)));
    await admin.query(`USE \`${copy}\`; SET foreign_key_checks = 0; ${ddl}`);

    const { report, store } = await runSpec(dir, spec);
    cleanups.push(() => store.close());
    assert.equal(report.status, 'succeeded', report.error ?? '');
    assert.deepEqual(names(report.notMigrated), [
      'default customer.token',
      'procedure p_count',
      'trigger article.trg_article',
      'view v_article',
    ]);
    for (const table of ['customer', 'article']) {
      const show = async (database: string) => {
        const [rows] = await admin.query(`SHOW CREATE TABLE \`${database}\`.\`${table}\``);
        return ((rows as Record<string, string>[])[0]!['Create Table'] ?? '').replace(
          / AUTO_INCREMENT=\d+/,
          '',
        );
      };
      assert.equal(await show(target.spec.database as string), await show(copy));
    }
    const [rows] = await admin.query(`SHOW CREATE TABLE \`${target.spec.database as string}\`.customer`);
    assert.match(
      (rows as Record<string, string>[])[0]!['Create Table']!,
      /ON UPDATE current_timestamp\(6\)/i,
    );
  });
});
