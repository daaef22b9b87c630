/**
 * Access tokens made by hand with the service's real signing secret, so token tests do not trust the
 * code under test to build what they check.
 */
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestServer } from './server-fixture.ts';

const HS256 = { alg: 'HS256', typ: 'JWT' };

/** A JWT of `payload` signed HS256 with `secret` (or with any `header`, e.g. alg none). */
export function signJwt(payload: object, secret: string, header: object = HS256): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const body = `${encode(header)}.${encode(payload)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** The secret the service signs with, as it keeps it in its data folder. */
export async function signingSecret(server: TestServer): Promise<string> {
  return (await readFile(join(server.dataDir, 'jwt-secret'), 'utf8')).trim();
}

/** The claims of a valid access token of `username` (an existing user), issued now for a minute. */
export async function accessClaims(server: TestServer, username: string): Promise<Record<string, unknown>> {
  const user = (await server.store.users.get(username))!;
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: username,
    uid: user.id,
    role: user.role,
    typ: 'access',
    iss: 'jivs',
    aud: 'jivs-api',
    iat: now,
    exp: now + 60,
  };
}
