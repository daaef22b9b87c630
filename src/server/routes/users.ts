/**
 * Users (admin only): list, create, change role, password or disabled, delete. The last enabled admin
 * can be neither demoted, disabled nor deleted. A changed password or a disable revokes the user's
 * refresh tokens; a changed role applies to the next request (the role is read per request).
 */
import { audit } from '../audit.ts';
import { hashPassword, passwordProblem } from '../auth/passwords.ts';
import { badRequest, conflict, notFound } from '../http-errors.ts';
import { AUTH_ERRORS, OkSchema, errorResponses } from '../schemas/common.ts';
import {
  CreateUserBodySchema,
  UpdateUserBodySchema,
  UserListSchema,
  UserSchema,
  UsernameParamsSchema,
} from '../schemas/user-schemas.ts';
import type { Api, ServiceContext } from '../service-context.ts';
import type { ServiceStore } from '../service-store.ts';
import type { User, UserChanges } from '../../state/service-types.ts';

const security = [{ bearer: [] }];

/** A user as the API shows it: never the password hash. */
export function userView(user: User) {
  return {
    username: user.username,
    role: user.role,
    disabled: user.disabled,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

async function isLastAdmin(store: ServiceStore, user: User): Promise<boolean> {
  if (user.role !== 'admin' || user.disabled) return false;
  const admins = (await store.users.list()).filter((u) => u.role === 'admin' && !u.disabled);
  return admins.length <= 1;
}

function checkPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw badRequest('the password is too weak', [{ path: 'body.password', message: problem }]);
}

export function userRoutes(app: Api, { store }: ServiceContext): void {
  const tags = ['users'];

  app.get(
    '/users',
    {
      schema: {
        tags,
        summary: 'List users',
        security,
        response: { 200: UserListSchema, ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async () => ({ users: (await store.users.list()).map(userView) }),
  );

  app.get(
    '/users/:username',
    {
      schema: {
        tags,
        summary: 'Get a user',
        security,
        params: UsernameParamsSchema,
        response: { 200: UserSchema, ...errorResponses(...AUTH_ERRORS, 404) },
      },
    },
    async (request) => {
      const user = await store.users.get(request.params.username);
      if (!user) throw notFound(`user ${request.params.username}`);
      return userView(user);
    },
  );

  app.post(
    '/users',
    {
      schema: {
        tags,
        summary: 'Create a user',
        security,
        body: CreateUserBodySchema,
        response: { 201: UserSchema, ...errorResponses(...AUTH_ERRORS, 409) },
      },
    },
    async (request, reply) => {
      const { username, password, role } = request.body;
      checkPassword(password);
      // A name taken already, in any case (ADMIN next to admin), is a StoreConflictError: 409.
      await store.users.create({ username, passwordHash: await hashPassword(password), role });
      await audit(store, request, { action: 'user.create', target: username, detail: { role } });
      return reply.status(201).send(userView((await store.users.get(username))!));
    },
  );

  app.patch(
    '/users/:username',
    {
      schema: {
        tags,
        summary: 'Change a user: role, password, disabled',
        security,
        params: UsernameParamsSchema,
        body: UpdateUserBodySchema,
        response: { 200: UserSchema, ...errorResponses(...AUTH_ERRORS, 404, 409) },
      },
    },
    async (request) => {
      const { username } = request.params;
      const { role, password, disabled } = request.body;
      const user = await store.users.get(username);
      if (!user) throw notFound(`user ${username}`);
      const demoted = role !== undefined && role !== 'admin';
      if ((demoted || disabled === true) && (await isLastAdmin(store, user))) {
        throw conflict(`${username} is the last enabled admin; make another user admin first.`);
      }
      const changes: UserChanges = {};
      if (role !== undefined) changes.role = role;
      if (disabled !== undefined) changes.disabled = disabled;
      if (password !== undefined) {
        checkPassword(password);
        changes.passwordHash = await hashPassword(password);
      }
      await store.users.update(username, changes);
      if (password !== undefined || disabled === true) await store.tokens.revokeForUser(username);
      await audit(store, request, {
        action: 'user.update',
        target: username,
        detail: { role, disabled, passwordChanged: password !== undefined },
      });
      if (role !== undefined && role !== user.role) {
        await audit(store, request, {
          action: 'user.role',
          target: username,
          detail: { from: user.role, to: role },
        });
      }
      return userView((await store.users.get(username))!);
    },
  );

  app.delete(
    '/users/:username',
    {
      schema: {
        tags,
        summary: 'Delete a user',
        security,
        params: UsernameParamsSchema,
        response: { 200: OkSchema, ...errorResponses(...AUTH_ERRORS, 404, 409) },
      },
    },
    async (request) => {
      const { username } = request.params;
      const user = await store.users.get(username);
      if (!user) throw notFound(`user ${username}`);
      if (await isLastAdmin(store, user)) {
        throw conflict(`${username} is the last enabled admin; make another user admin first.`);
      }
      await store.tokens.revokeForUser(username);
      await store.users.delete(username);
      await audit(store, request, { action: 'user.delete', target: username, detail: { role: user.role } });
      return { ok: true as const };
    },
  );
}
