/**
 * Servers that pretend to be PostgreSQL, for attacks on where passwords go: one asks every client for
 * its password in cleartext and records what it got (what an attacker's server does), one accepts
 * connections and never answers (a host that swallows packets).
 */
import { createServer, type Socket } from 'node:net';
import type { TestContext } from 'node:test';

export interface FakeServer {
  port: number;
  /** Passwords clients sent, in order. */
  passwords: string[];
  /** Connections accepted. */
  connections: number;
}

/**
 * Listens on a free local port until the test ends; `serve` handles each connection (after it is
 * counted and tracked, so the end of the test can close it).
 */
async function fakeServer(
  t: TestContext,
  serve: (socket: Socket, fake: FakeServer) => void,
): Promise<FakeServer> {
  const sockets = new Set<Socket>();
  const fake: FakeServer = { port: 0, passwords: [], connections: 0 };
  const server = createServer((socket) => {
    sockets.add(socket);
    fake.connections++;
    socket.on('error', () => {});
    serve(socket, fake);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  fake.port = (server.address() as { port: number }).port;
  return fake;
}

/** A server that answers every startup with AuthenticationCleartextPassword and records the reply. */
export function passwordCatcher(t: TestContext): Promise<FakeServer> {
  return fakeServer(t, (socket, fake) => {
    let buffer = Buffer.alloc(0);
    let started = false;
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!started) {
        if (buffer.length < 4 || buffer.length < buffer.readInt32BE(0)) return;
        buffer = buffer.subarray(buffer.readInt32BE(0));
        started = true;
        const ask = Buffer.alloc(9);
        ask.write('R', 0);
        ask.writeInt32BE(8, 1);
        ask.writeInt32BE(3, 5); // cleartext password
        socket.write(ask);
      }
      if (buffer.length >= 5 && buffer[0] === 'p'.charCodeAt(0)) {
        const length = buffer.readInt32BE(1);
        if (buffer.length < 1 + length) return;
        fake.passwords.push(buffer.subarray(5, length).toString('utf8').replace(/\0$/, ''));
        socket.destroy();
      }
    });
  });
}

/** A server that accepts connections and never says anything. */
export function silentServer(t: TestContext): Promise<FakeServer> {
  return fakeServer(t, () => {});
}
