/**
 * Host names answered from a fixed list of addresses: once the service has checked the addresses a
 * database host resolves to (server/runs/host-guard.ts), `dns.lookup` — which `net`, and so every driver,
 * uses — answers that name with exactly those addresses, so a name cannot resolve to an allowed address
 * for the check and to another for the connection. Per thread: a worker thread that connects pins the
 * same list again ({@link pinnedHosts} travels with its job).
 */
import dns, { type LookupAddress, type LookupOptions } from 'node:dns';

/** Addresses checked per host name (lower case), which lookups of that name then return. */
const pinned = new Map<string, LookupAddress[]>();

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** Makes `dns.lookup` answer pinned names with their checked addresses. */
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

/** From now on, this thread's lookups of `host` return `addresses` only. */
export function pinHost(host: string, addresses: LookupAddress[]): void {
  if (!pinned.size) pinLookups();
  pinned.set(host.toLowerCase(), addresses);
}

/** Every pinned host of this thread, as plain data for another thread ({@link pinHosts}). */
export function pinnedHosts(): [string, LookupAddress[]][] {
  return [...pinned];
}

/** Pins what {@link pinnedHosts} returned in another thread. */
export function pinHosts(hosts: readonly [string, LookupAddress[]][]): void {
  for (const [host, addresses] of hosts) pinHost(host, addresses);
}
