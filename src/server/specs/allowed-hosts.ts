/**
 * `JIVS_ALLOWED_HOSTS`: the database servers (PostgreSQL, MySQL) a spec in the service may connect to,
 * as CIDRs (`10.1.0.0/16`, `127.0.0.1/32`, `::1/128`), IP addresses and host names. Unset: any host.
 * A host passes when its name is listed, or when every address it resolves to lies in a listed CIDR.
 * Intake decides what it can without DNS; the run's process resolves names (host-guard.ts).
 */
import { BlockList, isIP } from 'node:net';
import { InputError, type InputProblem } from '../../core/errors.ts';
import type { MigrationSpec } from '../../spec/spec-schema.ts';

/** The parsed allow-list. */
export interface AllowedHosts {
  /** The entries as configured (what a run's process receives, to parse again). */
  entries: string[];
  /** Host names allowed by name (lower case). */
  names: Set<string>;
  /** Addresses and subnets allowed. */
  addresses: BlockList;
}

const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;

function family(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/** Reads the entries (from `JIVS_ALLOWED_HOSTS`, comma-separated); throws an InputError naming a bad one. */
export function parseAllowedHosts(entries: readonly string[], setting = 'JIVS_ALLOWED_HOSTS'): AllowedHosts {
  const names = new Set<string>();
  const addresses = new BlockList();
  for (const entry of entries) {
    const [address, bits, ...rest] = entry.split('/');
    if (isIP(address!) && rest.length === 0) {
      if (bits === undefined) {
        addresses.addAddress(address!, family(address!));
        continue;
      }
      const prefix = Number(bits);
      const max = isIP(address!) === 6 ? 128 : 32;
      if (/^\d+$/.test(bits) && prefix <= max) {
        addresses.addSubnet(address!, prefix, family(address!));
        continue;
      }
    } else if (bits === undefined && HOST_NAME.test(entry)) {
      names.add(normalName(entry));
      continue;
    }
    throw new InputError([
      {
        path: setting,
        message: `"${entry}" is neither a CIDR (10.0.0.0/8), an IP address nor a host name; fix the list.`,
      },
    ]);
  }
  return { entries: [...entries], names, addresses };
}

/** Splits the setting's text into entries. */
export function allowedHostEntries(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

function normalName(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

/** True when `address` (an IP literal) lies in an allowed address or subnet. */
export function addressAllowed(address: string, allowed: AllowedHosts): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  if (!isIP(bare)) return false;
  return allowed.addresses.check(bare, family(bare));
}

/**
 * What can be said of a host without resolving it: allowed (listed by name, or an address inside the
 * list), refused (an address outside it, or a name when the list has no CIDR a name could resolve
 * into), or `lookup` (a name whose addresses decide, when the run connects).
 */
export function hostVerdict(host: string, allowed: AllowedHosts): 'allowed' | 'refused' | 'lookup' {
  if (allowed.names.has(normalName(host))) return 'allowed';
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare)) return addressAllowed(bare, allowed) ? 'allowed' : 'refused';
  return allowed.addresses.rules.length ? 'lookup' : 'refused';
}

/** The message for a host the list does not allow (never the addresses it resolves to). */
export function hostRefused(host: string): string {
  return `host "${host}" is not in the server's JIVS_ALLOWED_HOSTS; ask the administrator to add it (a host name, or a CIDR holding its addresses), or use an allowed host.`;
}

/** The database endpoints of a spec, by spec path of their host (`source.host`), with the default host. */
export function serverHosts(spec: MigrationSpec): { path: string; host: string }[] {
  const hosts: { path: string; host: string }[] = [];
  for (const name of ['source', 'target'] as const) {
    const endpoint = spec[name];
    if (endpoint.type === 'postgres' || endpoint.type === 'mysql')
      hosts.push({ path: `${name}.host`, host: endpoint.host ?? '127.0.0.1' });
  }
  return hosts;
}

/** Intake: the database hosts of a spec that the list refuses without a lookup. */
export function hostProblems(spec: MigrationSpec, allowed: AllowedHosts | null): InputProblem[] {
  if (!allowed) return [];
  return serverHosts(spec)
    .filter(({ host }) => hostVerdict(host, allowed) === 'refused')
    .map(({ path, host }) => ({ path, message: hostRefused(host) }));
}
