/**
 * The one JSON body parser of the service: Fastify's own (secure-json-parse, `__proto__` and
 * `constructor` refused), followed by a depth limit. Every later walk of a body (validation, secret
 * sealing, storing) may then recurse safely: a deeply nested body is a 400 here, never a stack overflow
 * (a 500) further on.
 */
import type { FastifyInstance } from 'fastify';
import { badRequest } from './http-errors.ts';

/** How deeply arrays and objects may nest in a request body (a spec needs fewer than 10 levels). */
export const MAX_JSON_DEPTH = 64;

/**
 * True when `value` has arrays or objects nested more than `max` levels deep (a scalar is depth 0,
 * `[]` and `{}` depth 1). Iterative, so it cannot overflow the stack however deep the value is.
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Object.values(current)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** Replaces the application/json parser with the default one plus the {@link MAX_JSON_DEPTH} check. */
export function registerJsonBodyParser(app: FastifyInstance, maxDepth = MAX_JSON_DEPTH): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parse(request, body as string, (error: Error | null, value?: unknown) => {
      if (error) return done(error, undefined);
      if (nestsDeeperThan(value, maxDepth)) {
        return done(
          badRequest('the request body nests too deeply', [
            {
              path: 'body',
              message: `nests arrays or objects more than ${maxDepth} levels deep; send a flatter document.`,
            },
          ]),
          undefined,
        );
      }
      done(null, value);
    });
  });
}
