/**
 * Tells faults worth retrying on a new connection (the connection dropped or was refused, the server
 * restarts or terminated the session, a deadlock, a lock or serialization conflict, too many
 * connections) from permanent ones (bad SQL, a missing table, no permission, bad data). Anything not
 * recognised is permanent.
 *
 * The engine wraps driver errors (`new Error('loading … failed: …', { cause })`), so the verdict
 * comes from the outermost error in the `cause` chain that says something: wrappers without a code
 * are looked through. An AggregateError is transient only when every error in it is. An
 * {@link InputError} is always permanent: it means the user must change something, even when its
 * cause (say ECONNREFUSED on the very first connection) would be transient on its own.
 */
import { InputError } from '../core/errors.ts';
import { classifyDriverError } from './driver-faults.ts';

/** Which side's connection a description speaks of. */
export type ConnectionRole = 'source' | 'target';

/** The error object that decided, and what it means. */
interface Verdict {
  transient: boolean;
  phrase: string;
  /** The deciding code; none for an InputError, whose message is the phrase. */
  label?: string;
  error: object;
  /** Further errors of an AggregateError that agreed with the first. */
  more: number;
}

/** How deep `cause` chains and nested AggregateErrors are followed (also stops cycles). */
const MAX_DEPTH = 16;

const MAX_MESSAGE = 300;

function findVerdict(error: unknown, depth = 0): Verdict | undefined {
  if (typeof error !== 'object' || error === null || depth > MAX_DEPTH) return undefined;
  if (error instanceof InputError) return { transient: false, phrase: error.message, error, more: 0 };
  const own = classifyDriverError(error);
  if (own) return { ...own, error, more: 0 };
  const members = (error as { errors?: unknown }).errors;
  if (Array.isArray(members) && members.length > 0) {
    const verdicts = members.map((member) => findVerdict(member, depth + 1));
    const permanent = verdicts.find((verdict) => verdict && !verdict.transient);
    if (permanent) return permanent;
    if (verdicts.every((verdict) => verdict?.transient)) return { ...verdicts[0]!, more: members.length - 1 };
  }
  return findVerdict((error as { cause?: unknown }).cause, depth + 1);
}

/**
 * True when `error` (or the driver error it wraps) is a fault worth retrying after reconnecting;
 * false for permanent faults and for anything unrecognised.
 */
export function isTransientError(error: unknown): boolean {
  return findVerdict(error)?.transient === true;
}

/**
 * A short phrase for logs, e.g. "the target connection was terminated by the server (57P01)" or
 * "SQL syntax error (42601): syntax error at or near …". Permanent faults carry the driver's
 * message; unrecognised errors are described by the message of their innermost cause.
 */
export function describeFault(error: unknown, role?: ConnectionRole): string {
  const verdict = findVerdict(error);
  if (!verdict) return innermostMessage(error);
  const phrase = verdict.phrase.replaceAll('{connection}', role ? `${role} connection` : 'connection');
  const label = verdict.label ? ` (${verdict.label})` : '';
  const more = verdict.more > 0 ? `, and ${verdict.more} more like it` : '';
  const description = `${phrase}${label}${more}`;
  const message = messageOf(verdict.error);
  return clip(
    verdict.transient || description.includes(message) ? description : `${description}: ${message}`,
  );
}

function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message !== '' ? message : String(error);
}

function innermostMessage(error: unknown): string {
  let current = error;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const cause = (current as { cause?: unknown } | null)?.cause;
    if (typeof cause !== 'object' || cause === null) break;
    current = cause;
  }
  return clip(messageOf(current));
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}
