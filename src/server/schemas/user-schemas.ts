/** Schemas of the user routes. */
import Type from 'typebox';
import { ROLE_SCHEMA } from './common.ts';

export const USERNAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$';

export const UserSchema = Type.Object(
  {
    username: Type.String(),
    role: ROLE_SCHEMA,
    disabled: Type.Boolean(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { additionalProperties: false },
);

export const UserListSchema = Type.Object({ users: Type.Array(UserSchema) }, { additionalProperties: false });

export const UsernameParamsSchema = Type.Object(
  { username: Type.String({ pattern: USERNAME_PATTERN }) },
  { additionalProperties: false },
);

export const CreateUserBodySchema = Type.Object(
  {
    username: Type.String({
      pattern: USERNAME_PATTERN,
      description: 'Letters, digits, . _ @ -; at most 64.',
    }),
    password: Type.String({ minLength: 12, maxLength: 1024 }),
    role: ROLE_SCHEMA,
  },
  { additionalProperties: false },
);

export const UpdateUserBodySchema = Type.Object(
  {
    role: Type.Optional(ROLE_SCHEMA),
    password: Type.Optional(Type.String({ minLength: 12, maxLength: 1024 })),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
