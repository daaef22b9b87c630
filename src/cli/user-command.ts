/**
 * `jivs user add <name> --role <role>`: adds a user to the store the service uses, e.g. the first admin
 * when JIVS_ADMIN_PASSWORD is not wanted. The password comes from stdin (`--password-stdin`, for
 * scripts) or a prompt that does not echo; it is never an argument (shell history, process lists).
 */
import { userInfo } from 'node:os';
import { InputError } from '../core/errors.ts';
import { hashPassword, passwordProblem } from '../server/auth/passwords.ts';
import { USERNAME_PATTERN } from '../server/schemas/user-schemas.ts';
import type { UserRole } from '../state/service-types.ts';
import { StoreConflictError } from '../state/store-errors.ts';
import { withStore, type GlobalOptions } from './cli-context.ts';
import { EXIT_SUCCESS } from './exit-codes.ts';

export interface UserAddOptions extends GlobalOptions {
  role: UserRole;
  passwordStdin?: boolean;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const { stdin, stderr } = process;
    stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let text = '';
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      stderr.write('\n');
      if (error) reject(error);
      else resolve(text);
    };
    const onData = (data: string) => {
      for (const char of data) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003') return done(new InputError('cancelled.'));
        if (char === '\u007f' || char === '\b') text = text.slice(0, -1);
        else text += char;
      }
    };
    stdin.on('data', onData);
  });
}

async function readPassword(options: UserAddOptions): Promise<string> {
  if (options.passwordStdin) return readStdin();
  if (!process.stdin.isTTY) {
    throw new InputError([
      {
        path: '--password-stdin',
        message: 'there is no terminal to ask on; pipe the password in with --password-stdin.',
      },
    ]);
  }
  const first = await promptHidden('Password: ');
  const again = await promptHidden('Password again: ');
  if (first !== again) throw new InputError('the two passwords differ; run the command again.');
  return first;
}

export async function userAddCommand(username: string, options: UserAddOptions): Promise<number> {
  if (!new RegExp(USERNAME_PATTERN).test(username)) {
    throw new InputError([
      {
        path: '<name>',
        message: 'use letters, digits, ".", "_", "@" and "-" (at most 64, starting with a letter or digit).',
      },
    ]);
  }
  const password = await readPassword(options);
  const problem = passwordProblem(password);
  if (problem) throw new InputError([{ path: 'password', message: problem }]);
  return withStore(options, async (store) => {
    if (await store.users.get(username)) throw new InputError(`user ${username} already exists.`);
    const passwordHash = await hashPassword(password);
    await store.users.create({ username, passwordHash, role: options.role }).catch((error: unknown) => {
      // A name that differs from an existing one only in case: names are unique regardless of case.
      throw error instanceof StoreConflictError ? new InputError(error.message) : error;
    });
    await store.audit.append({
      actor: null,
      action: 'user.create',
      target: username,
      outcome: 'ok',
      detail: { role: options.role, by: 'jivs user add', osUser: safeUser() },
    });
    process.stdout.write(`user ${username} added with role ${options.role}.\n`);
    return EXIT_SUCCESS;
  });
}

function safeUser(): string | null {
  try {
    return userInfo().username;
  } catch {
    return null;
  }
}
