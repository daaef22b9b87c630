/**
 * `JIVS_ALLOWED_HOSTS` where it counts: in a run's process, before it connects. Each database host of
 * the spec passes when its name is listed, or when it resolves (every address) inside a listed CIDR.
 * The addresses checked are then the only ones the process gets for that name ({@link pinLookups}):
 * a name cannot resolve to an allowed address for the check and to another for the connection.
 */
import dns, { type LookupAddress, type LookupOptions } from 'node:dns';
import { InputError, type InputProblem } from '../../core/errors.ts';
import { resolveEnvReferences } from '../../spec/env-references.ts';
import type { MigrationSpec } from '../../spec/spec-schema.ts';
import {
  addressAllowed,
  hostRefused,
  hostVerdict,
  serverHosts,
  type AllowedHosts,
} from '../specs/allowed-hosts.ts';

/** Addresses checked per host name (lower case), which lookups of that name then return. */
const pinned = new Map<string, LookupAddress[]>();

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** Makes `dns.lookup` (which net, and so every driver, uses) answer pinned names with their checked addresses. */
function pinLookups(): void {
  const original = dns.lookup;
  const lookup = (hostname: string, options: unknown, callback?: unknown) => {
    const done = (typeof options === 'function' ? options : callback) as LookupCallback;
    const opts: LookupOptions =
      typeof options === 'number'
        ? { family: options }
        : typeof options === 'object' && options
          ? options
          : {};
    const addresses = pinned.get(hostname.toLowerCase());
    if (!addresses) return (original as (...args: unknown[]) => void).call(dns, hostname, options, callback);
    const wanted = addresses.filter((a) => !opts.family || a.family === opts.family);
    process.nextTick(() => {
      if (!wanted.length) {
        const error: NodeJS.ErrnoException = new Error(`no allowed address of ${hostname} for this family`);
        error.code = 'ENOTFOUND';
        return done(error, opts.all ? [] : '');
      }
      if (opts.all) return done(null, wanted);
      return done(null, wanted[0]!.address, wanted[0]!.family);
    });
  };
  dns.lookup = lookup as typeof dns.lookup;
}

/**
 * Refuses (InputError naming the host's spec path and the setting) any database host of `spec` the
 * list does not allow, resolving names; pins the addresses it checked. Never says what a name resolves to.
 */
export async function guardHosts(spec: MigrationSpec, allowed: AllowedHosts): Promise<void> {
  const problems: InputProblem[] = [];
  for (const { path, host: written } of serverHosts(spec)) {
    const host = resolveEnvReferences(written, path);
    const verdict = hostVerdict(host, allowed);
    if (verdict === 'allowed') continue;
    if (verdict === 'refused') {
      problems.push({ path, message: hostRefused(host) });
      continue;
    }
    let addresses: LookupAddress[];
    try {
      addresses = await dns.promises.lookup(host, { all: true });
    } catch {
      problems.push({ path, message: `host "${host}" does not resolve; check host.` });
      continue;
    }
    if (!addresses.length || !addresses.every((a) => addressAllowed(a.address, allowed))) {
      problems.push({ path, message: hostRefused(host) });
      continue;
    }
    if (!pinned.size) pinLookups();
    pinned.set(host.toLowerCase(), addresses);
  }
  if (problems.length) throw new InputError(problems);
}
