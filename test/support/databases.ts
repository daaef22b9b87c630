/**
 * Where the tests find their database servers: the local PostgreSQL and MariaDB/MySQL by default,
 * each address part overridable by an environment variable, so the suite can run against servers
 * elsewhere (a CI service container, another port). Every test that connects takes its address here.
 *
 * PostgreSQL: `JIVS_TEST_PG_HOST` (127.0.0.1), `JIVS_TEST_PG_PORT` (5432), `JIVS_TEST_PG_USER`
 * (postgres), `JIVS_TEST_PG_PASSWORD` (none), `JIVS_TEST_PG_DATABASE` (test).
 * MariaDB/MySQL: `JIVS_TEST_MYSQL_HOST` (127.0.0.1), `JIVS_TEST_MYSQL_PORT` (3306),
 * `JIVS_TEST_MYSQL_USER` (root), `JIVS_TEST_MYSQL_PASSWORD` (none).
 */

/** A database server's address as the drivers (`pg`, `mysql2`) and the spec endpoints take it. */
export interface ServerAddress {
  host: string;
  port: number;
  user: string;
  /** Present only when set, so that spreading the address adds no `password: undefined`. */
  password?: string;
}

/** The PostgreSQL address, with the database the tests create their schemas in. */
export interface PostgresAddress extends ServerAddress {
  database: string;
}

function env(name: string, fallback: string): string {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value;
}

function password(name: string): { password?: string } {
  const value = process.env[name];
  return value === undefined ? {} : { password: value };
}

/** The PostgreSQL server of the tests (default postgres@127.0.0.1:5432/test, trust auth). */
export const POSTGRES: Readonly<PostgresAddress> = Object.freeze({
  host: env('JIVS_TEST_PG_HOST', '127.0.0.1'),
  port: Number(env('JIVS_TEST_PG_PORT', '5432')),
  user: env('JIVS_TEST_PG_USER', 'postgres'),
  database: env('JIVS_TEST_PG_DATABASE', 'test'),
  ...password('JIVS_TEST_PG_PASSWORD'),
});

/** The MariaDB/MySQL server of the tests (default root@127.0.0.1:3306, no password). */
export const MYSQL: Readonly<ServerAddress> = Object.freeze({
  host: env('JIVS_TEST_MYSQL_HOST', '127.0.0.1'),
  port: Number(env('JIVS_TEST_MYSQL_PORT', '3306')),
  user: env('JIVS_TEST_MYSQL_USER', 'root'),
  ...password('JIVS_TEST_MYSQL_PASSWORD'),
});

/** How the connectors describe the PostgreSQL server in messages: `postgres user@host:port/database`. */
export function postgresDescription(database: string = POSTGRES.database): string {
  return `postgres ${POSTGRES.user}@${POSTGRES.host}:${POSTGRES.port}/${database}`;
}
