/**
 * Turns a driver's connection failure into a message that names the connection (never its password)
 * and says what to do. Used by the PostgreSQL and MySQL connectors when they first connect.
 */
import { InputError } from '../core/errors.ts';

/** How long a first connection to a PostgreSQL or MySQL server may take (CLI and service alike). */
export const CONNECT_TIMEOUT_MS = 10_000;

interface DriverError {
  code?: string;
  errno?: number;
  message?: string;
}

const ADVICE: Record<string, string> = {
  ECONNREFUSED: 'nothing is listening there; check host and port, and that the server runs',
  ENOTFOUND: 'the host name does not resolve; check host',
  EAI_AGAIN: 'the host name does not resolve; check host',
  ETIMEDOUT: `no answer within ${CONNECT_TIMEOUT_MS / 1000} s; check host, port and firewalls`,
  ECONNRESET: 'the server closed the connection; check that it accepts this client (TLS, pg_hba.conf)',
  // PostgreSQL SQLSTATEs
  '28P01': 'the password was refused; check the environment variable the spec names',
  '28000': "the server refused this user; check user and the server's authentication rules",
  '3D000': 'the database does not exist; create it or fix database',
  '42501': 'permission denied; grant the user access',
  // MySQL / MariaDB
  ER_ACCESS_DENIED_ERROR: 'access denied; check user and the password environment variable',
  ER_BAD_DB_ERROR: 'the database does not exist; create it or fix database',
  ER_DBACCESS_DENIED_ERROR: 'the user may not use this database; grant access',
};

/** An InputError (exit code 2) for a connection that could not be made. */
export function connectionFailed(connection: string, role: 'source' | 'target', error: unknown): InputError {
  const driver = error as DriverError;
  // pg's connect timeout is a plain Error ("timeout expired", "… due to connection timeout").
  const timedOut = !driver.code && /timeout expired|connection timeout/i.test(driver.message ?? '');
  const code = timedOut ? 'ETIMEDOUT' : driver.code;
  const advice = (code && ADVICE[code]) || `${driver.message ?? String(error)}`;
  return new InputError([{ path: role, message: `cannot connect to ${connection}: ${advice}.` }], {
    cause: error,
  });
}
