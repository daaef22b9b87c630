/**
 * What one driver error object means, read structurally (no driver types): node-postgres errors
 * carry a SQLSTATE in `code` and a `severity`; mysql2 server errors carry `errno` (> 0) and
 * `sqlState`, its client errors a `code` such as PROTOCOL_CONNECTION_LOST; Node's socket errors a
 * `code` such as ECONNREFUSED; some driver errors are plain Errors known only by their message.
 * {@link ./transient-error.ts} walks `cause` chains and AggregateErrors with this.
 */

/** The verdict on one error object. */
export interface DriverFault {
  /** True when the same work is worth trying again on a new connection. */
  transient: boolean;
  /** A short phrase; `{connection}` stands for "connection", "source connection", … */
  phrase: string;
  /** What decided it, as printed: `57P01`, `MariaDB 1927`, `ECONNREFUSED`, or the quoted message. */
  label: string;
}

type Entry = readonly [transient: boolean, phrase: string];

const T = true;
const P = false;

/** Node socket and DNS error codes (also what mysql2 and pg pass on from the socket). */
const SOCKET_CODES: Record<string, Entry> = {
  ECONNREFUSED: [T, '{connection} refused (server down or restarting)'],
  ECONNRESET: [T, 'the {connection} was reset (server or network dropped it)'],
  ECONNABORTED: [T, 'the {connection} was aborted'],
  EPIPE: [T, 'the {connection} was closed while data was being sent (broken pipe)'],
  ETIMEDOUT: [T, 'the {connection} timed out'],
  EHOSTUNREACH: [T, 'the server host is unreachable'],
  EHOSTDOWN: [T, 'the server host is down'],
  ENETUNREACH: [T, 'the network is unreachable'],
  ENETDOWN: [T, 'the network is down'],
  EAI_AGAIN: [T, 'the host name could not be resolved right now (temporary DNS failure)'],
  ENOTFOUND: [P, 'the host name does not resolve'],
};

/** PostgreSQL SQLSTATEs worth naming; other codes fall back to their class, then to permanent. */
const SQLSTATES: Record<string, Entry> = {
  '57P01': [T, 'the {connection} was terminated by the server'],
  '57P02': [T, 'the {connection} was ended by a server crash'],
  '57P03': [T, 'the server is starting up or shutting down and refuses connections'],
  '53300': [T, 'the server has too many connections'],
  '40001': [T, 'the transaction hit a serialization failure'],
  '40P01': [T, 'the transaction was chosen as a deadlock victim'],
  '55P03': [T, 'a lock could not be obtained in time'],
  '57014': [P, 'the statement was cancelled (pg_cancel_backend or statement_timeout)'],
  '57P04': [P, 'the database was dropped'],
  '42601': [P, 'SQL syntax error'],
  '42P01': [P, 'the table does not exist'],
  '42703': [P, 'the column does not exist'],
  '42501': [P, 'permission denied'],
  '3D000': [P, 'the database does not exist'],
  '3F000': [P, 'the schema does not exist'],
  '28P01': [P, 'the password was refused'],
  '28000': [P, 'the server refused this user'],
};

const SQLSTATE_CLASSES: Record<string, Entry> = {
  '08': [T, 'the {connection} failed (connection exception)'],
  '22': [P, 'a value is invalid for its type'],
  '23': [P, 'an integrity constraint was violated'],
  '42': [P, 'the statement is invalid or not allowed'],
};

/** MySQL/MariaDB server error numbers (mysql2 leaves `code` empty for some, e.g. 1927). */
const MYSQL_ERRNOS: Record<number, Entry> = {
  1927: [T, 'the {connection} was killed'], // ER_CONNECTION_KILLED (MariaDB)
  2006: [T, 'the server has gone away'], // CR_SERVER_GONE_ERROR (libmysqlclient)
  2013: [T, 'the {connection} was lost during the query'], // CR_SERVER_LOST (libmysqlclient)
  1053: [T, 'the server is shutting down'], // ER_SERVER_SHUTDOWN
  1205: [T, 'a lock wait timed out'], // ER_LOCK_WAIT_TIMEOUT
  1213: [T, 'the transaction was chosen as a deadlock victim'], // ER_LOCK_DEADLOCK
  1040: [T, 'the server has too many connections'], // ER_CON_COUNT_ERROR
  1203: [T, 'the user has too many connections'], // ER_TOO_MANY_USER_CONNECTIONS
  4031: [T, 'the server disconnected the idle {connection}'], // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8)
  1317: [P, 'the query was interrupted (KILL QUERY)'], // ER_QUERY_INTERRUPTED
  1969: [P, 'the query exceeded max_statement_time'], // ER_STATEMENT_TIMEOUT (MariaDB)
  3024: [P, 'the query exceeded max_execution_time'], // ER_QUERY_TIMEOUT (MySQL)
  1064: [P, 'SQL syntax error'], // ER_PARSE_ERROR
  1146: [P, 'the table does not exist'], // ER_NO_SUCH_TABLE
  1054: [P, 'the column does not exist'], // ER_BAD_FIELD_ERROR
  1142: [P, 'permission denied'], // ER_TABLEACCESS_DENIED_ERROR
  1044: [P, 'the user may not use this database'], // ER_DBACCESS_DENIED_ERROR
  1045: [P, 'access denied'], // ER_ACCESS_DENIED_ERROR
  1049: [P, 'the database does not exist'], // ER_BAD_DB_ERROR
  1366: [P, 'a value is invalid for its column'], // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD
  1406: [P, 'a value is too long for its column'], // ER_DATA_TOO_LONG
  1062: [P, 'a unique key was violated'], // ER_DUP_ENTRY
  1452: [P, 'a foreign key was violated'], // ER_NO_REFERENCED_ROW_2
};

/** mysql2's own client error codes. */
const MYSQL_CLIENT_CODES: Record<string, Entry> = {
  PROTOCOL_CONNECTION_LOST: [T, 'the server closed the {connection}'],
};

/**
 * Code-less driver errors, by exact message. Those that follow our own end() or pool.end() are
 * permanent: the work was stopped on purpose, and retrying on a closed pool cannot succeed.
 */
const MESSAGES: Record<string, Entry> = {
  // node-postgres: the server or the network ended the connection
  'Connection terminated unexpectedly': [T, 'the {connection} closed unexpectedly'],
  'Client has encountered a connection error and is not queryable': [
    T,
    'the {connection} had already failed',
  ],
  'timeout expired': [T, 'connecting timed out'],
  'Connection terminated due to connection timeout': [T, 'connecting timed out'],
  'timeout exceeded when trying to connect': [T, 'no pooled connection became free in time'],
  // node-postgres: closed by this process
  'Connection terminated': [P, 'the {connection} was closed by this process'],
  'Client was closed and is not queryable': [P, 'the {connection} was closed by this process'],
  'Cannot use a pool after calling end on the pool': [P, 'the connection pool was closed by this process'],
  // mysql2: closed by this process (or used again after it failed, when the first error said why)
  'Pool is closed.': [P, 'the connection pool was closed by this process'],
  "Can't add new command when connection is in closed state": [P, 'the {connection} was already closed'],
  "Can't write in closed state": [P, 'the {connection} was already closed'],
};

const SQLSTATE = /^[0-9A-Z]{5}$/;

function fault([transient, phrase]: Entry, label: string): DriverFault {
  return { transient, phrase, label };
}

/** The verdict on `error` itself (its causes not looked at), or undefined when it says nothing. */
export function classifyDriverError(error: object): DriverFault | undefined {
  const { code, errno, sqlState, severity, message } = error as {
    code?: unknown;
    errno?: unknown;
    sqlState?: unknown;
    severity?: unknown;
    message?: unknown;
  };
  if (typeof code === 'string' && code in SOCKET_CODES) return fault(SOCKET_CODES[code]!, code);
  if (typeof code === 'string' && SQLSTATE.test(code) && typeof severity === 'string') {
    const entry = SQLSTATES[code] ?? SQLSTATE_CLASSES[code.slice(0, 2)];
    return entry ? fault(entry, code) : { transient: false, phrase: String(message), label: code };
  }
  if (typeof errno === 'number' && errno > 0 && typeof sqlState === 'string') {
    const label = errno === 1927 ? 'MariaDB 1927' : `MySQL/MariaDB ${errno}`;
    if (errno === 1226) return userLimit(String(message), label); // ER_USER_LIMIT_REACHED
    const entry = MYSQL_ERRNOS[errno];
    return entry ? fault(entry, label) : { transient: false, phrase: String(message), label };
  }
  if (typeof code === 'string' && code in MYSQL_CLIENT_CODES) return fault(MYSQL_CLIENT_CODES[code]!, code);
  if (code === undefined && typeof message === 'string' && message in MESSAGES) {
    return fault(MESSAGES[message]!, JSON.stringify(message));
  }
  return undefined;
}

/** 1226 covers every per-user limit; only max_user_connections clears up within seconds. */
function userLimit(message: string, label: string): DriverFault {
  return message.includes('max_user_connections')
    ? { transient: true, phrase: 'the user has too many connections', label }
    : { transient: false, phrase: message, label };
}
