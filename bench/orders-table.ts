/**
 * The legacy `orders` table of the MariaDB → PostgreSQL benchmark, defined once: its MariaDB columns,
 * the deterministic expressions that fill it from a SEQUENCE-engine table, the equivalent PostgreSQL
 * types (for the `psql \copy` baseline), the export as PostgreSQL COPY text, and the aggregates that
 * compare a copy with the source. A row holds about 490 bytes of data (reported by `sourceStatsSql`).
 */

/** Bump when the generated data changes, so an existing benchmark database is regenerated. */
export const GENERATOR_VERSION = 1;

interface OrdersColumn {
  name: string;
  /** MariaDB column definition. */
  mariadb: string;
  /** The equivalent PostgreSQL column definition (the baseline's table). */
  postgres: string;
  /** MariaDB expression of the sequence value `n` that fills the column. */
  value: string;
  /** A character column: backslash, tab, newline and carriage return are escaped in COPY text. */
  text?: boolean;
}

/** A MariaDB string literal (backslash escapes on, the server default). */
function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** One of `values`, chosen by `expr` modulo their count. */
function pick(expr: string, values: readonly string[]): string {
  return `ELT(1 + (${expr}) % ${values.length}, ${values.map(sqlString).join(', ')})`;
}

const FIRST = ['Anna', 'Jürgen', 'Łukasz', 'María', 'Chen', 'Olivia', 'Søren', 'Amélie', 'Noah', 'Zoë'];
const LAST = [
  'Müller',
  'Schmidt',
  'Nowak',
  'García',
  'Wang',
  'Smith',
  'Hansen',
  'Dubois',
  'Rossi',
  "O'Brien",
];
const COMPANY = [
  'Müller GmbH',
  'Nowak S.A.',
  'García SL',
  'Smith Ltd',
  'Hansen ApS',
  'Dubois SA',
  'Rossi SpA',
];
const DOMAIN = ['example.com', 'mail.example.org', 'example.de', 'example.co.uk', 'corp.example.io'];
const NOTE = [
  'Customer asked for delivery before noon; call ahead.',
  'Invoice to be sent to the billing address on file.',
  'Partial shipment agreed with the account manager.',
  'Fragile goods: pack with extra padding, no stacking.',
  'Legacy import from ERP v3 — original order reference kept.',
];
/** Every 100th note carries what COPY text must escape: a tab, CR LF and backslashes. */
const NOTE_SPECIAL = ' Tab:\there, CRLF:\r\nthere, path: C:\\orders\\archive.';
/** MD5/SHA1 pairs of n, n+1, …: with a phrase, always longer than the 390 characters a note keeps at most. */
const NOTE_REFS = [0, 1, 2, 3, 4].map((k) => `MD5(n + ${k}), ' / ', SHA1(n + ${k})`).join(`, ' · ', `);

const COLUMNS: readonly OrdersColumn[] = [
  {
    name: 'id',
    mariadb: 'INT NOT NULL AUTO_INCREMENT PRIMARY KEY',
    postgres: 'integer NOT NULL',
    value: 'n',
  },
  {
    name: 'customer_code',
    mariadb: 'VARCHAR(12) NOT NULL',
    postgres: 'varchar(12) NOT NULL',
    value: `CONCAT('CUST-', LPAD(n % 200003, 7, '0'))`,
    text: true,
  },
  {
    name: 'customer_name',
    mariadb: 'VARCHAR(80) NOT NULL',
    postgres: 'varchar(80) NOT NULL',
    value: `CONCAT(${pick('n', FIRST)}, ' ', ${pick('n DIV 10', LAST)}, ', ', ${pick('n DIV 100', COMPANY)})`,
    text: true,
  },
  {
    name: 'email',
    mariadb: 'VARCHAR(120) NULL',
    postgres: 'varchar(120)',
    value: `IF(n % 50 = 0, NULL, CONCAT('cust', n % 200003, '.', ${pick('n', ['sales', 'billing', 'info'])}, '@', ${pick('n', DOMAIN)}))`,
    text: true,
  },
  {
    name: 'country',
    mariadb: 'CHAR(2) NOT NULL',
    postgres: 'char(2) NOT NULL',
    value: pick('n', ['DE', 'CH', 'AT', 'FR', 'IT', 'ES', 'PL', 'NL', 'GB', 'US', 'DK', 'SE']),
    text: true,
  },
  {
    name: 'order_datetime',
    mariadb: 'DATETIME NOT NULL',
    postgres: 'timestamp NOT NULL',
    value: `DATE_ADD('2014-01-01 00:00:00', INTERVAL (n * 7919) % 315360000 SECOND)`,
  },
  {
    name: 'amount',
    mariadb: 'DECIMAL(12,2) NOT NULL',
    postgres: 'numeric(12,2) NOT NULL',
    value: `CAST(IF(n % 97 = 0, -1, 1) * ((n * 104729) % 10000000) / 100 AS DECIMAL(12,2))`,
  },
  {
    name: 'currency',
    mariadb: 'CHAR(3) NOT NULL',
    postgres: 'char(3) NOT NULL',
    value: pick('n', ['EUR', 'CHF', 'USD', 'GBP']),
    text: true,
  },
  {
    name: 'status',
    mariadb: 'VARCHAR(12) NOT NULL',
    postgres: 'varchar(12) NOT NULL',
    value: pick('n', ['new', 'paid', 'shipped', 'delivered', 'cancelled', 'returned']),
    text: true,
  },
  {
    name: 'is_active',
    mariadb: 'TINYINT(1) NOT NULL DEFAULT 1',
    postgres: 'boolean NOT NULL DEFAULT true',
    value: 'n % 7 <> 0',
  },
  {
    name: 'notes',
    mariadb: 'TEXT NULL',
    postgres: 'text',
    value: `LEFT(CONCAT(${pick('n', NOTE)}, IF(n % 100 = 0, ${sqlString(NOTE_SPECIAL)}, ''), ' ref ', ${NOTE_REFS}), 330 + n % 61)`,
    text: true,
  },
  {
    name: 'updated_at',
    mariadb: 'TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP',
    postgres: 'timestamptz NOT NULL DEFAULT now()',
    value: `DATE_ADD('2014-01-01 00:00:00', INTERVAL (n * 7919) % 315360000 + n % 2592000 SECOND)`,
  },
];

const names = COLUMNS.map((c) => c.name).join(', ');

/** Marks a generated table (as its comment) with the generator version and row count. */
export function generationMarker(rows: number): string {
  return `jivs-bench orders v${GENERATOR_VERSION} rows=${rows}`;
}

/** Statements that (re)create `database`.orders with `rows` rows, all inside MariaDB. Session time zone: UTC. */
export function generateOrdersSql(database: string, rows: number): string[] {
  return [
    `SET SESSION time_zone = '+00:00'`,
    `DROP DATABASE IF EXISTS ${database}`,
    `CREATE DATABASE ${database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    `CREATE TABLE ${database}.orders (\n  ${COLUMNS.map((c) => `${c.name} ${c.mariadb}`).join(',\n  ')}\n) ENGINE=InnoDB`,
    `INSERT INTO ${database}.orders (${names})\nSELECT ${COLUMNS.map((c) => c.value).join(',\n  ')}\nFROM (SELECT CAST(seq AS SIGNED) AS n FROM ${database}.seq_1_to_${rows}) AS s`,
    `ANALYZE TABLE ${database}.orders`,
    `ALTER TABLE ${database}.orders COMMENT = ${sqlString(generationMarker(rows))}`,
  ];
}

/** One PostgreSQL COPY text line per row (without the newline), in id order. Session time zone: UTC. */
export function exportCopyTextSql(database: string): string {
  const escape = (expr: string) =>
    [
      ['\\\\', '\\\\\\\\'],
      ['\\t', '\\\\t'],
      ['\\n', '\\\\n'],
      ['\\r', '\\\\r'],
    ].reduce((inner, [from, to]) => `REPLACE(${inner}, '${from}', '${to}')`, expr);
  const fields = COLUMNS.map((c) => `IFNULL(${c.text ? escape(c.name) : c.name}, '\\\\N')`);
  return `SELECT CONCAT_WS('\\t', ${fields.join(', ')}) FROM ${database}.orders ORDER BY id`;
}

/** The baseline's empty table: the PostgreSQL types equivalent to the source's, no index yet. */
export function createPostgresOrdersSql(table: string): string {
  return `CREATE TABLE ${table} (\n  ${COLUMNS.map((c) => `${c.name} ${c.postgres}`).join(',\n  ')}\n)`;
}

/**
 * Aggregates both databases compute alike, one scan each: if a copy agrees with the source on all of
 * them (and on a hash of every column of an evenly spread sample of rows), the values arrived intact.
 */
export type Fingerprint = Record<
  | 'rowCount'
  | 'amountSum'
  | 'distinctEmails'
  | 'nullEmails'
  | 'activeRows'
  | 'notesCharacters'
  | 'orderDatetimeRange'
  | 'updatedAtMax'
  | 'sampleHash',
  string
>;

/**
 * The rows of the sample hash, about 2,000 spread over the table: ids ≡ 0 and 1 modulo a step, so that
 * both ordinary rows and those with the special values (NULL email, escapes in notes: every 50th and
 * 100th id) are in it.
 */
function sampleWhere(rows: number): string {
  const step = Math.max(1, Math.floor(rows / 1000));
  return `id % ${step} IN (0, 1)`;
}

export function mariadbFingerprintSql(table: string, rows: number): string[] {
  const ts = (expr: string) => `DATE_FORMAT(${expr}, '%Y-%m-%d %H:%i:%s')`;
  const sampleRow = `CONCAT_WS('|', id, customer_code, customer_name, email, country, currency, status, amount, ${ts('order_datetime')}, is_active + 0, notes, ${ts('updated_at')})`;
  return [
    `SELECT COUNT(*) AS rowCount, SUM(amount) AS amountSum, COUNT(DISTINCT email) AS distinctEmails,
       SUM(email IS NULL) AS nullEmails, SUM(is_active) AS activeRows, SUM(CHAR_LENGTH(notes)) AS notesCharacters,
       CONCAT(${ts('MIN(order_datetime)')}, '..', ${ts('MAX(order_datetime)')}) AS orderDatetimeRange,
       ${ts('MAX(updated_at)')} AS updatedAtMax
     FROM ${table}`,
    `SELECT MD5(GROUP_CONCAT(${sampleRow} ORDER BY id SEPARATOR '\\n')) AS sampleHash
     FROM ${table} WHERE ${sampleWhere(rows)}`,
  ];
}

export function postgresFingerprintSql(table: string, rows: number): string[] {
  const ts = (expr: string) => `to_char(${expr}, 'YYYY-MM-DD HH24:MI:SS')`;
  const sampleRow = `concat_ws('|', id, customer_code, customer_name, email, country, currency, status, amount, ${ts('order_datetime')}, is_active::int, notes, ${ts('updated_at')})`;
  return [
    `SELECT count(*) AS "rowCount", sum(amount) AS "amountSum", count(DISTINCT email) AS "distinctEmails",
       count(*) FILTER (WHERE email IS NULL) AS "nullEmails", sum(is_active::int) AS "activeRows",
       sum(char_length(notes)) AS "notesCharacters",
       ${ts('min(order_datetime)')} || '..' || ${ts('max(order_datetime)')} AS "orderDatetimeRange",
       ${ts('max(updated_at)')} AS "updatedAtMax"
     FROM ${table}`,
    `SELECT md5(string_agg(${sampleRow}, E'\\n' ORDER BY id)) AS "sampleHash"
     FROM ${table} WHERE ${sampleWhere(rows)}`,
  ];
}

/** Average bytes of data per row (each value as text, NULL as nothing) and the InnoDB size. */
export function sourceStatsSql(database: string): string {
  const values = COLUMNS.map((c) => c.name).join(', ');
  return `SELECT AVG(LENGTH(CONCAT_WS('', ${values}))) AS bytesPerRow,
       (SELECT DATA_LENGTH + INDEX_LENGTH FROM information_schema.TABLES
         WHERE TABLE_SCHEMA = '${database}' AND TABLE_NAME = 'orders') AS innodbBytes
     FROM ${database}.orders`;
}

/** The names of the fingerprint's fields whose values differ. */
export function fingerprintMismatches(expected: Fingerprint, actual: Fingerprint): string[] {
  return (Object.keys(expected) as (keyof Fingerprint)[])
    .filter((key) => expected[key] !== actual[key])
    .map((key) => `${key}: expected ${expected[key]}, got ${actual[key]}`);
}
