/**
 * Test support for fault classification: catching a rejection, local TCP endpoints that misbehave
 * in known ways (nothing listening, reset at once, never answering), and a check of isTransientError
 * on an error both as thrown and wrapped the way the engine wraps it.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import {
  describeFault,
  isTransientError,
  type ConnectionRole,
} from '../../src/connectors/transient-error.ts';

/** The error `promise` rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  assert.fail('expected a rejection');
}

/** A loopback port nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A loopback server that resets every connection at once, or never answers; close() it after. */
export async function misbehavingServer(
  behaviour: 'reset' | 'silent',
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    if (behaviour === 'reset') return void socket.resetAndDestroy();
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * Asserts the verdict on `error`, thrown as it is and wrapped twice as the engine wraps driver
 * errors, and that describeFault names the fault (`fault` matches the description).
 */
export function assertVerdict(
  error: unknown,
  transient: boolean,
  fault: RegExp | string,
  role?: ConnectionRole,
): void {
  const wrapped = new Error('loading 10 rows into "t" failed: …', {
    cause: new Error('partition 3 failed', { cause: error }),
  });
  assert.equal(isTransientError(error), transient, `isTransientError(${String(error)})`);
  assert.equal(isTransientError(wrapped), transient, `isTransientError(wrapped ${String(error)})`);
  for (const subject of [error, wrapped]) {
    const description = describeFault(subject, role);
    if (typeof fault === 'string') assert.equal(description, fault);
    else assert.match(description, fault);
  }
}
