import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { sql } from 'kysely';
import { StateStore } from '../../src/state/state-store.ts';
import { AuditLog } from '../../src/state/service/audit-log.ts';
import { StoreConflictError, type StoreConflictKind } from '../../src/state/store-errors.ts';
import { BACKENDS, openStore as openBackendStore } from './store-backends.ts';

/** Asserts that `promise` fails with a StoreConflictError of `kind` and `message`. */
async function conflict(promise: Promise<unknown>, kind: StoreConflictKind, message: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof StoreConflictError, String(error));
    assert.equal(error.kind, kind);
    assert.equal(error.message, message);
    return true;
  });
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

for (const backend of BACKENDS) {
  describe(`StateStore service tables on ${backend.name}`, () => {
    const openStore = (t: TestContext) => openBackendStore(backend, t);

    describe('users', () => {
      it('creates, reads, lists and counts users', async (t) => {
        const store = await openStore(t);
        assert.equal(await store.users.count(), 0);
        const before = new Date().toISOString();
        const bob = await store.users.create({ username: 'bob', passwordHash: 'hash-b', role: 'viewer' });
        assert.deepEqual(bob, {
          id: bob.id,
          username: 'bob',
          passwordHash: 'hash-b',
          role: 'viewer',
          disabled: false,
          createdAt: bob.createdAt,
          updatedAt: bob.createdAt,
        });
        assert.match(bob.createdAt, ISO);
        assert.match(bob.id, /^[0-9a-f-]{36}$/, 'a random id');
        assert.ok(bob.createdAt >= before);
        await store.users.create({ username: 'alice', passwordHash: 'hash-a', role: 'admin' });
        await store.users.create({
          username: 'carol',
          passwordHash: 'hash-c',
          role: 'auditor',
          disabled: true,
        });

        assert.deepEqual(await store.users.get('bob'), bob);
        assert.equal(await store.users.get('nobody'), undefined);
        assert.deepEqual(
          (await store.users.list()).map((u) => [u.username, u.role, u.disabled]),
          [
            ['alice', 'admin', false],
            ['bob', 'viewer', false],
            ['carol', 'auditor', true],
          ],
        );
        assert.equal(await store.users.count(), 3);
        assert.equal(await store.users.count({ role: 'admin' }), 1);
        assert.equal(await store.users.count({ disabled: true }), 1);
        assert.equal(await store.users.count({ role: 'engineer' }), 0);
      });

      it('refuses a taken username as a conflict', async (t) => {
        const store = await openStore(t);
        await store.users.create({ username: 'alice', passwordHash: 'h', role: 'admin' });
        await conflict(
          store.users.create({ username: 'alice', passwordHash: 'other', role: 'viewer' }),
          'unique',
          'a user named "alice" already exists',
        );
        assert.equal((await store.users.get('alice'))?.passwordHash, 'h');
      });

      it('refuses a role outside admin, engineer, viewer and auditor', async (t) => {
        const store = await openStore(t);
        // The type forbids it; the table's check constraint refuses it from anywhere else.
        await assert.rejects(
          store.users.create({ username: 'eve', passwordHash: 'h', role: 'root' as 'admin' }),
          /check|constraint/i,
        );
        assert.equal(await store.users.count(), 0);
      });

      it('updates the given fields only, and says when there is no such user', async (t) => {
        const store = await openStore(t);
        const created = await store.users.create({ username: 'dan', passwordHash: 'h1', role: 'viewer' });
        await new Promise((resolve) => setTimeout(resolve, 5));

        const promoted = await store.users.update('dan', { role: 'engineer' });
        assert.equal(promoted?.role, 'engineer');
        assert.equal(promoted?.passwordHash, 'h1');
        assert.equal(promoted?.disabled, false);
        assert.equal(promoted?.createdAt, created.createdAt);
        assert.ok(
          promoted!.updatedAt > created.updatedAt,
          `${promoted?.updatedAt} after ${created.updatedAt}`,
        );

        const disabled = await store.users.update('dan', { disabled: true, passwordHash: 'h2' });
        assert.deepEqual(
          { role: disabled?.role, passwordHash: disabled?.passwordHash, disabled: disabled?.disabled },
          { role: 'engineer', passwordHash: 'h2', disabled: true },
        );
        assert.deepEqual(await store.users.get('dan'), disabled);
        assert.equal((await store.users.update('dan', { disabled: false }))?.disabled, false);
        assert.equal(await store.users.update('nobody', { role: 'admin' }), undefined);
        assert.equal(await store.users.count(), 1);
      });

      it('deletes a user with its refresh tokens', async (t) => {
        const store = await openStore(t);
        await store.users.create({ username: 'erin', passwordHash: 'h', role: 'viewer' });
        await store.tokens.save({
          tokenHash: 't1',
          username: 'erin',
          expiresAt: new Date(Date.now() + 60_000),
        });
        assert.equal(await store.users.delete('erin'), true);
        assert.equal(await store.users.get('erin'), undefined);
        assert.equal(await store.tokens.find('t1'), undefined);
        assert.equal(await store.users.delete('erin'), false);
      });
    });

    describe('refresh tokens', () => {
      it('saves, finds and revokes a token once', async (t) => {
        const store = await openStore(t);
        const alice = await store.users.create({ username: 'alice', passwordHash: 'h', role: 'admin' });
        const expiresAt = new Date('2030-01-02T03:04:05.678Z');
        const saved = await store.tokens.save({
          tokenHash: 'hash-1',
          username: 'alice',
          userId: alice.id,
          expiresAt,
        });
        assert.deepEqual(saved, {
          tokenHash: 'hash-1',
          username: 'alice',
          userId: alice.id,
          expiresAt: '2030-01-02T03:04:05.678Z',
          revokedAt: null,
        });
        assert.deepEqual(await store.tokens.find('hash-1'), saved);
        assert.equal(await store.tokens.find('unknown'), undefined);

        assert.equal(await store.tokens.revoke('hash-1'), true);
        const revoked = await store.tokens.find('hash-1');
        assert.match(revoked?.revokedAt ?? '', ISO);
        // A second use of the same token loses: it was revoked already.
        assert.equal(await store.tokens.revoke('hash-1'), false);
        assert.equal((await store.tokens.find('hash-1'))?.revokedAt, revoked?.revokedAt);
        assert.equal(await store.tokens.revoke('unknown'), false);
      });

      it('accepts the expiry as ISO text', async (t) => {
        const store = await openStore(t);
        await store.users.create({ username: 'alice', passwordHash: 'h', role: 'admin' });
        await store.tokens.save({
          tokenHash: 'x',
          username: 'alice',
          expiresAt: '2030-01-02T04:04:05+01:00',
        });
        assert.equal((await store.tokens.find('x'))?.expiresAt, '2030-01-02T03:04:05.000Z');
        await assert.rejects(
          store.tokens.save({ tokenHash: 'y', username: 'alice', expiresAt: 'soon' }),
          /not a time: soon/,
        );
      });

      it('revokes every live token of one user', async (t) => {
        const store = await openStore(t);
        const later = new Date(Date.now() + 60_000);
        for (const username of ['alice', 'bob']) {
          await store.users.create({ username, passwordHash: 'h', role: 'viewer' });
        }
        for (const [tokenHash, username] of [
          ['a1', 'alice'],
          ['a2', 'alice'],
          ['a3', 'alice'],
          ['b1', 'bob'],
        ] as const) {
          await store.tokens.save({ tokenHash, username, expiresAt: later });
        }
        await store.tokens.revoke('a3');
        assert.equal(await store.tokens.revokeForUser('alice'), 2);
        for (const hash of ['a1', 'a2', 'a3'])
          assert.notEqual((await store.tokens.find(hash))?.revokedAt, null);
        assert.equal((await store.tokens.find('b1'))?.revokedAt, null);
        assert.equal(await store.tokens.revokeForUser('alice'), 0);
        assert.equal(await store.tokens.revokeForUser('nobody'), 0);
      });

      it('refuses a token of an unknown user, or a hash stored already, as a conflict', async (t) => {
        const store = await openStore(t);
        const expiresAt = new Date(Date.now() + 60_000);
        await conflict(
          store.tokens.save({ tokenHash: 't', username: 'ghost', expiresAt }),
          'missing-reference',
          'there is no user "ghost"',
        );
        await store.users.create({ username: 'alice', passwordHash: 'h', role: 'admin' });
        await store.tokens.save({ tokenHash: 't', username: 'alice', expiresAt });
        await conflict(
          store.tokens.save({ tokenHash: 't', username: 'alice', expiresAt }),
          'unique',
          'the refresh token is already stored',
        );
      });

      it('forgets expired tokens', async (t) => {
        const store = await openStore(t);
        await store.users.create({ username: 'alice', passwordHash: 'h', role: 'admin' });
        await store.tokens.save({
          tokenHash: 'old',
          username: 'alice',
          expiresAt: new Date(Date.now() - 1000),
        });
        await store.tokens.save({
          tokenHash: 'new',
          username: 'alice',
          expiresAt: new Date(Date.now() + 60_000),
        });
        assert.equal(await store.tokens.deleteExpired(), 1);
        assert.equal(await store.tokens.find('old'), undefined);
        assert.ok(await store.tokens.find('new'));
      });
    });

    describe('audit log', () => {
      it('appends entries stamped with the time and reads them newest first', async (t) => {
        const store = await openStore(t);
        const before = new Date().toISOString();
        const first = await store.audit.append({
          actor: null,
          action: 'login',
          outcome: 'denied',
          ip: '10.0.0.9',
        });
        assert.deepEqual(first, {
          id: first.id,
          at: first.at,
          actor: null,
          action: 'login',
          target: null,
          outcome: 'denied',
          detail: null,
          ip: '10.0.0.9',
        });
        assert.equal(typeof first.id, 'number');
        assert.match(first.at, ISO);
        assert.ok(first.at >= before);
        const second = await store.audit.append({
          actor: 'alice',
          action: 'migration.create',
          target: 'm1',
          outcome: 'ok',
          detail: { name: 'erp', rows: 12n, nested: { list: [1, 'two'] } },
        });
        assert.ok(second.id > first.id);
        assert.deepEqual(second.detail, { name: 'erp', rows: '12', nested: { list: [1, 'two'] } });
        assert.deepEqual(await store.audit.list(), [second, first]);
      });

      it('filters by actor (null: anonymous), action and outcome, and pages with beforeId', async (t) => {
        const store = await openStore(t);
        const entries = [
          { actor: 'alice', action: 'login', outcome: 'ok' },
          { actor: null, action: 'login', outcome: 'denied' },
          { actor: 'bob', action: 'run.start', outcome: 'ok', target: 'r1' },
          { actor: 'alice', action: 'user.delete', outcome: 'denied', target: 'bob' },
          { actor: 'alice', action: 'run.start', outcome: 'failed', target: 'r2' },
        ] as const;
        const ids: number[] = [];
        for (const entry of entries) ids.push((await store.audit.append(entry)).id);
        const idsOf = async (query: Parameters<StateStore['audit']['list']>[0]) =>
          (await store.audit.list(query)).map((e) => ids.indexOf(e.id));

        assert.deepEqual(await idsOf({}), [4, 3, 2, 1, 0]);
        assert.deepEqual(await idsOf({ actor: 'alice' }), [4, 3, 0]);
        assert.deepEqual(await idsOf({ actor: null }), [1]);
        assert.deepEqual(await idsOf({ action: 'run.start' }), [4, 2]);
        assert.deepEqual(await idsOf({ actor: 'alice', action: 'run.start' }), [4]);
        assert.deepEqual(await idsOf({ outcome: 'denied' }), [3, 1]);
        assert.deepEqual(await idsOf({ limit: 2 }), [4, 3]);
        assert.deepEqual(await idsOf({ limit: 2, beforeId: ids[3] }), [2, 1]);
        assert.deepEqual(await idsOf({ limit: 2, beforeId: ids[1] }), [0]);
        assert.deepEqual(await idsOf({ actor: 'alice', beforeId: ids[3] }), [0]);
        assert.deepEqual(await idsOf({ actor: 'nobody' }), []);
      });

      it('is append-only: the store has no way to change it, and the table refuses it', async (t) => {
        const store = await openStore(t);
        await store.audit.append({ actor: 'alice', action: 'login', outcome: 'ok' });

        const methods = Object.getOwnPropertyNames(AuditLog.prototype).filter(
          (name) => name !== 'constructor',
        );
        assert.deepEqual(methods.sort(), ['append', 'list']);
        assert.ok(store.audit instanceof AuditLog);

        // Not even a write around the store's methods gets through.
        await assert.rejects(
          sql`UPDATE audit_log SET actor = 'mallory'`.execute(store.db),
          /append-only: UPDATE is not allowed/,
        );
        await assert.rejects(
          sql`DELETE FROM audit_log`.execute(store.db),
          /append-only: DELETE is not allowed/,
        );
        if (backend.name === 'postgres') {
          await assert.rejects(
            sql`TRUNCATE audit_log`.execute(store.db),
            /append-only: TRUNCATE is not allowed/,
          );
        }
        assert.deepEqual(
          (await store.audit.list()).map((e) => [e.actor, e.action]),
          [['alice', 'login']],
        );
      });

      it('refuses an outcome other than ok, denied and failed', async (t) => {
        const store = await openStore(t);
        await assert.rejects(
          store.audit.append({ actor: 'a', action: 'x', outcome: 'maybe' as 'ok' }),
          /check|constraint/i,
        );
      });
    });

    describe('migration definitions', () => {
      const spec = {
        source: { type: 'postgres', password: { $encrypted: 'v1:abc' } },
        tables: [{ name: 'orders' }],
      };

      it('creates, reads and lists definitions by name', async (t) => {
        const store = await openStore(t);
        const created = await store.migrations.create({
          id: 'm2',
          name: 'erp-to-pg',
          spec,
          createdBy: 'alice',
        });
        assert.deepEqual(created, {
          id: 'm2',
          name: 'erp-to-pg',
          spec,
          createdBy: 'alice',
          createdAt: created.createdAt,
          updatedAt: created.createdAt,
        });
        assert.match(created.createdAt, ISO);
        await store.migrations.create({
          id: 'm1',
          name: 'crm-to-pg',
          spec: { tables: [] },
          createdBy: 'bob',
        });
        assert.deepEqual(await store.migrations.get('m2'), created);
        assert.equal(await store.migrations.get('none'), undefined);
        assert.deepEqual(
          (await store.migrations.list()).map((m) => [m.id, m.name, m.createdBy]),
          [
            ['m1', 'crm-to-pg', 'bob'],
            ['m2', 'erp-to-pg', 'alice'],
          ],
        );
      });

      it('refuses a taken name or id as a conflict', async (t) => {
        const store = await openStore(t);
        await store.migrations.create({ id: 'm1', name: 'erp', spec, createdBy: 'alice' });
        await conflict(
          store.migrations.create({ id: 'm2', name: 'erp', spec, createdBy: 'bob' }),
          'unique',
          'a migration named "erp" already exists',
        );
        await conflict(
          store.migrations.create({ id: 'm1', name: 'other', spec, createdBy: 'bob' }),
          'unique',
          'a migration with the id "m1" already exists',
        );
        assert.equal((await store.migrations.list()).length, 1);
      });

      it('renames a definition or replaces its spec', async (t) => {
        const store = await openStore(t);
        const created = await store.migrations.create({ id: 'm1', name: 'erp', spec, createdBy: 'alice' });
        await store.migrations.create({ id: 'm2', name: 'crm', spec, createdBy: 'alice' });
        await new Promise((resolve) => setTimeout(resolve, 5));

        const renamed = await store.migrations.update('m1', { name: 'erp-v2' });
        assert.equal(renamed?.name, 'erp-v2');
        assert.deepEqual(renamed?.spec, spec);
        assert.ok(renamed!.updatedAt > created.updatedAt);
        assert.equal(renamed?.createdAt, created.createdAt);

        const respecified = await store.migrations.update('m1', { spec: { tables: [{ name: 'lines' }] } });
        assert.deepEqual(respecified?.spec, { tables: [{ name: 'lines' }] });
        assert.equal(respecified?.name, 'erp-v2');
        assert.deepEqual(await store.migrations.get('m1'), respecified);

        await conflict(
          store.migrations.update('m1', { name: 'crm' }),
          'unique',
          'a migration named "crm" already exists',
        );
        assert.equal((await store.migrations.get('m1'))?.name, 'erp-v2');
        assert.equal(await store.migrations.update('none', { name: 'x' }), undefined);
      });

      it('deletes a definition', async (t) => {
        const store = await openStore(t);
        await store.migrations.create({ id: 'm1', name: 'erp', spec, createdBy: 'alice' });
        assert.equal(await store.migrations.delete('m1'), true);
        assert.equal(await store.migrations.get('m1'), undefined);
        assert.equal(await store.migrations.delete('m1'), false);
        // The name is free again.
        await store.migrations.create({ id: 'm2', name: 'erp', spec, createdBy: 'alice' });
      });
    });
  });
}
