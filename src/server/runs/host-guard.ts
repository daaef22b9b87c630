/**
 * `JIVS_ALLOWED_HOSTS` where it counts: in a run's process, before it connects. Each database host of
 * the spec passes when its name is listed, or when it resolves (every address) inside a listed CIDR.
 * The addresses checked are then the only ones the process (and its worker threads) gets for that name
 * (connectors/pinned-lookups.ts): a name cannot resolve to an allowed address for the check and to another
 * for the connection.
 */
import dns, { type LookupAddress } from 'node:dns';
import { pinHost } from '../../connectors/pinned-lookups.ts';
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
    pinHost(host, addresses);
  }
  if (problems.length) throw new InputError(problems);
}
