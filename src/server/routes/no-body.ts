/** For action routes that take no body: anything but nothing or `{}` is an unknown field (400). */
import type { FastifyRequest } from 'fastify';
import { badRequest } from '../http-errors.ts';

export async function noBody(request: FastifyRequest): Promise<void> {
  const body = request.body;
  if (body === undefined || body === null) return;
  if (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0) return;
  const keys = typeof body === 'object' && !Array.isArray(body) ? Object.keys(body) : [];
  throw badRequest(
    'this route takes no body',
    keys.length
      ? keys.map((key) => ({ path: `body.${key}`, message: `unknown field "${key}"; remove it.` }))
      : [{ path: 'body', message: 'must be empty.' }],
  );
}
