/** Schemas of the auth routes. */
import Type from 'typebox';
import { ROLE_SCHEMA } from './common.ts';

export const LoginBodySchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

export const RefreshBodySchema = Type.Object(
  { refreshToken: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

export const TokensSchema = Type.Object(
  {
    accessToken: Type.String({ description: 'A JWT (HS256) to send as `Authorization: Bearer …`.' }),
    tokenType: Type.Literal('Bearer'),
    expiresIn: Type.Integer({ description: 'Seconds until the access token expires.' }),
    refreshToken: Type.String({
      description: 'Trades for new tokens at POST /auth/refresh (once: it rotates).',
    }),
    refreshExpiresIn: Type.Integer({ description: 'Seconds until the refresh token expires.' }),
  },
  { additionalProperties: false },
);

export const MeSchema = Type.Object(
  { username: Type.String(), role: ROLE_SCHEMA },
  { additionalProperties: false },
);
