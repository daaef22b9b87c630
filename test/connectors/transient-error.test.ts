/**
 * isTransientError and describeFault beyond single driver errors: AggregateErrors and cause chains
 * made of real errors, the permanent default, and (last) the codes the local servers cannot be made
 * to produce safely, as the drivers shape them. Real server faults are in postgres-faults.test.ts
 * and mysql-faults.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { describeFault, isTransientError } from '../../src/connectors/transient-error.ts';
import { assertVerdict, closedPort, rejection } from './fault-helpers.ts';
import { SERVER } from './postgres/postgres-test-schema.ts';
import { MYSQL } from '../support/databases.ts';

describe('isTransientError and describeFault', () => {
  let refusedPg: Error;
  let refusedMysql: Error;
  let syntax: Error;
  const admin = new pg.Pool({ ...SERVER, max: 1 });

  before(async () => {
    const port = await closedPort();
    refusedPg = await rejection(new pg.Client({ ...SERVER, port }).connect());
    refusedMysql = await rejection(mysql.createConnection({ ...MYSQL, port }));
    syntax = await rejection(admin.query('SELEC 1'));
  });
  after(() => admin.end());

  it('an AggregateError is transient when every error in it is', () => {
    assertVerdict(
      new AggregateError([refusedPg, refusedMysql], 'all attempts failed'),
      true,
      'connection refused (server down or restarting) (ECONNREFUSED), and 1 more like it',
    );
    const mixed = new AggregateError([refusedPg, syntax], 'two partitions failed');
    assertVerdict(mixed, false, 'SQL syntax error (42601): syntax error at or near "SELEC"');
    assert.equal(isTransientError(new AggregateError([refusedPg, new Error('unknown')])), false);
    assert.equal(isTransientError(new AggregateError([])), false);
  });

  it('the outermost error with a verdict decides; wrappers without a code are looked through', () => {
    const deep = new Error('run failed', {
      cause: new Error('table failed', { cause: new Error('batch', { cause: refusedPg }) }),
    });
    assert.equal(isTransientError(deep), true);
    assert.equal(
      describeFault(deep, 'target'),
      'target connection refused (server down or restarting) (ECONNREFUSED)',
    );
    // A permanent driver error wrapping a transient one stays permanent.
    const permanentOuter = Object.assign(new Error('syntax'), {
      code: '42601',
      severity: 'ERROR',
      cause: refusedPg,
    });
    assert.equal(isTransientError(permanentOuter), false);
  });

  it('unknown errors and non-errors are permanent, described by their innermost message', () => {
    for (const value of [
      new Error('boom'),
      new TypeError('x is undefined'),
      'text',
      42,
      null,
      undefined,
      {},
    ]) {
      assert.equal(isTransientError(value), false, String(value));
    }
    assert.equal(
      describeFault(new Error('outer', { cause: new Error('the real reason') })),
      'the real reason',
    );
    assert.equal(describeFault('plain text'), 'plain text');
    assert.equal(describeFault(Object.assign(new Error('odd'), { code: 'EACCES' })), 'odd');
    assert.match(describeFault(new Error('x'.repeat(1000))), /^x{299}…$/);
  });

  it('cause cycles end', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.assign(a, { cause: b });
    assert.equal(isTransientError(a), false);
    assert.ok(['a', 'b'].includes(describeFault(a)));
  });

  it('codes the local servers cannot produce safely, shaped as the drivers shape them', () => {
    const pgError = (code: string, message: string) =>
      Object.assign(new Error(message), { code, severity: 'FATAL' });
    const mysqlError = (errno: number, code: string | undefined, message: string) =>
      Object.assign(new Error(message), { errno, code, sqlState: 'HY000', sqlMessage: message });
    const socketError = (code: string) => Object.assign(new Error(`write ${code}`), { code, errno: -32 });
    const transient: [unknown, RegExp][] = [
      [
        pgError('57P02', 'terminating connection because of crash of another server process'),
        /crash \(57P02\)$/,
      ],
      [pgError('57P03', 'the database system is starting up'), /starting up .* \(57P03\)$/],
      [pgError('08006', 'connection failure'), /connection exception\) \(08006\)$/],
      [pgError('08P01', 'protocol violation'), /\(08P01\)$/],
      [
        mysqlError(1053, 'ER_SERVER_SHUTDOWN', 'Server shutdown in progress'),
        /shutting down \(MySQL\/MariaDB 1053\)$/,
      ],
      [
        mysqlError(1040, 'ER_CON_COUNT_ERROR', 'Too many connections'),
        /too many connections \(MySQL\/MariaDB 1040\)$/,
      ],
      [mysqlError(2006, undefined, 'MySQL server has gone away'), /gone away \(MySQL\/MariaDB 2006\)$/],
      [mysqlError(2013, undefined, 'Lost connection to server during query'), /lost during the query/],
      [socketError('EPIPE'), /broken pipe\) \(EPIPE\)$/],
      [socketError('EHOSTUNREACH'), /unreachable \(EHOSTUNREACH\)$/],
      [socketError('ETIMEDOUT'), /timed out \(ETIMEDOUT\)$/],
    ];
    for (const [error, fault] of transient) assertVerdict(error, true, fault);
    const permanent: [unknown, RegExp][] = [
      [pgError('57P04', 'terminating connection because the database was dropped'), /dropped \(57P04\)/],
      [
        pgError('53100', 'could not extend file: No space left on device'),
        /^could not extend file.* \(53100\)$/,
      ],
      [
        mysqlError(1226, 'ER_USER_LIMIT_REACHED', "User 'u' has exceeded the 'max_questions' resource"),
        /max_questions/,
      ],
      [socketError('ENOTFOUND'), /does not resolve \(ENOTFOUND\)/],
    ];
    for (const [error, fault] of permanent) assertVerdict(error, false, fault);
  });
});
