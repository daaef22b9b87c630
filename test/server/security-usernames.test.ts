/**
 * Issue 11, item 10: user names are unique regardless of case. `ADMIN` cannot be created next to
 * `admin` (409 naming the taken name), in the service and in the store on every backend; a store that
 * already holds such names refuses to upgrade and says what to do, without dropping anyone. Sign-in is
 * by the exact name; failed attempts under any case of a name share that name's limit.
 */
import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { Migrator, sql } from 'kysely';
import { stateMigrations } from '../../src/state/migrations/index.ts';
import { StateStore } from '../../src/state/state-store.ts';
import { StoreConflictError } from '../../src/state/store-errors.ts';
import { BACKENDS, openStore } from '../state/store-backends.ts';
import { ADMIN_PASSWORD, USER_PASSWORD, startServer } from './server-fixture.ts';

test('the service refuses ADMIN next to admin with a 409, and signs in by the exact name', async (t) => {
  const server = await startServer(t, { loginRateLimit: { max: 4, windowMs: 60_000 } });
  const admin = await server.adminToken();
  const create = (username: string) =>
    server.request<{ error: string }>('POST', '/api/v1/users', {
      token: admin,
      body: { username, password: USER_PASSWORD, role: 'admin' },
    });
  for (const name of ['ADMIN', 'Admin', 'aDmIn']) {
    const response = await create(name);
    assert.equal(response.status, 409, `${name}: ${response.text}`);
    assert.equal(
      response.body.error,
      `the user name "${name}" is taken by "admin": user names are unique regardless of case; choose another name.`,
    );
  }
  assert.equal((await create('admin')).status, 409, 'the exact name too');
  assert.deepEqual(
    (await server.store.users.list()).map((u) => u.username),
    ['admin'],
    'nobody was added',
  );
  assert.equal((await create('Bob')).status, 201);
  assert.equal((await create('bob')).status, 409);

  // Sign-in is by the exact name: another case is an unknown user (and no second account exists).
  const login = (username: string, password: string) =>
    server.request('POST', '/api/v1/auth/login', { body: { username, password } });
  assert.equal((await login('ADMIN', ADMIN_PASSWORD)).status, 401);
  // The limit (4: the admin's sign-in above is one) counts every case of a name as that name.
  assert.equal((await login('Admin', 'wrong-password-1')).status, 401);
  assert.equal((await login('admin', 'wrong-password-2')).status, 401);
  assert.equal((await login('admin', ADMIN_PASSWORD)).status, 429, 'one limit for every case of a name');
});

for (const backend of BACKENDS) {
  describe(`user names ignore case in the store on ${backend.name}`, () => {
    it('refuses a name that differs only in case as a conflict naming the taken one', async (t) => {
      const store = await openStore(backend, t);
      await store.users.create({ username: 'admin', passwordHash: 'h', role: 'admin' });
      await assert.rejects(
        store.users.create({ username: 'ADMIN', passwordHash: 'h2', role: 'admin' }),
        (error: unknown) => {
          assert.ok(error instanceof StoreConflictError, String(error));
          assert.equal(error.kind, 'unique');
          assert.match(error.message, /"ADMIN" is taken by "admin"/);
          return true;
        },
      );
      // Not even from outside the store: the unique index is in the database.
      await assert.rejects(
        backend.query(
          store.location,
          `INSERT INTO users (id, username, password_hash, role, disabled, created_at, updated_at)
           VALUES ('x', 'AdMiN', 'h', 'admin', ${backend.name === 'postgres' ? 'false' : '0'}, 'now', 'now')`,
        ),
        /unique|duplicate/i,
      );
      assert.equal(await store.users.count(), 1);
    });

    it('gives a user created again under the same name a new id', async (t) => {
      const store = await openStore(backend, t);
      const first = await store.users.create({ username: 'bob', passwordHash: 'h', role: 'viewer' });
      await store.users.delete('bob');
      const second = await store.users.create({ username: 'bob', passwordHash: 'h', role: 'viewer' });
      assert.notEqual(second.id, first.id);
      assert.equal((await store.users.get('bob'))?.id, second.id);
    });

    it('refuses to upgrade a store holding names that differ only in case, and drops nobody', async (t) => {
      const location = await backend.location(t);
      const schema = backend.name === 'postgres' ? new URL(location).searchParams.get('schema')! : null;
      const db = backend.kysely(location);
      try {
        if (schema) await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(db);
        const migrator = new Migrator({
          db,
          provider: { getMigrations: async () => stateMigrations(backend.name) },
          ...(schema && { migrationTableSchema: schema }),
        });
        assert.equal((await migrator.migrateTo('0004-service')).error, undefined);
        for (const name of ['alice', 'bob', 'BOB', 'Bob', 'carol', 'CAROL']) {
          await sql`INSERT INTO users (username, password_hash, role, created_at, updated_at)
            VALUES (${name}, 'h', 'viewer', 'then', 'then')`.execute(db);
        }
        await sql`INSERT INTO refresh_tokens (token_hash, username, expires_at)
          VALUES ('t-alice', 'alice', '2999-01-01T00:00:00.000Z')`.execute(db);
      } finally {
        await db.destroy();
      }

      await assert.rejects(StateStore.open(location), (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.match(error.message, /unique regardless of case/);
        assert.match(error.message, /BOB \/ Bob \/ bob; CAROL \/ carol/);
        assert.match(error.message, /delete the others/);
        return true;
      });
      const names = await backend.query(location, 'SELECT username FROM users ORDER BY username');
      assert.equal(names.length, 6, 'every user is still there');

      // Once the clash is resolved the store opens, and the users and tokens it had got their ids.
      await backend.query(location, `DELETE FROM users WHERE username IN ('BOB', 'Bob', 'CAROL')`);
      const store = await openStore(backend, t, location);
      const alice = (await store.users.get('alice'))!;
      assert.match(alice.id, /^[0-9a-f-]{36}$/);
      assert.notEqual((await store.users.get('bob'))!.id, alice.id);
      assert.equal((await store.tokens.find('t-alice'))?.userId, alice.id);
      await assert.rejects(
        store.users.create({ username: 'Carol', passwordHash: 'h', role: 'viewer' }),
        StoreConflictError,
      );
    });
  });
}
