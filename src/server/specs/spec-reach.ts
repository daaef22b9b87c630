/**
 * What a spec run by the service may reach, checked in one place at intake, by `validate`, and again
 * before a stored spec runs: files inside the spec folder (never the service's own), databases on
 * allowed hosts (`JIVS_ALLOWED_HOSTS`) other than the store's own schema, and environment variables on
 * the allow-list (`JIVS_SPEC_ENV_ALLOW`), in password fields only.
 */
import type { InputProblem } from '../../core/errors.ts';
import type { FileResolver } from '../../spec/file-resolver.ts';
import { fileProblems } from '../../spec/spec-file-paths.ts';
import type { MigrationSpec } from '../../spec/spec-schema.ts';
import { hostProblems, parseAllowedHosts, type AllowedHosts } from './allowed-hosts.ts';
import { envReferenceProblems } from './env-policy.ts';
import { storeEndpointProblems, type StoreAddress } from './store-endpoint.ts';

export interface SpecReachOptions {
  /** Resolves every file path of a spec (service-files.ts). */
  files: FileResolver;
  /** The PostgreSQL store's address; null for a SQLite store. */
  store: StoreAddress | null;
  /** Variables a password may refer to (`JIVS_SPEC_ENV_ALLOW`); see env-policy.ts. */
  envAllow: readonly string[];
  /** `JIVS_ALLOWED_HOSTS` entries; empty: any host. */
  allowedHosts: readonly string[];
}

export class SpecReach {
  readonly files: FileResolver;
  readonly envAllow: readonly string[];
  /** The `JIVS_ALLOWED_HOSTS` entries, as a run's process gets them to check each connection. */
  readonly allowedHostEntries: readonly string[];
  readonly #store: StoreAddress | null;
  readonly #hosts: AllowedHosts | null;

  constructor(options: SpecReachOptions) {
    this.files = options.files;
    this.envAllow = options.envAllow;
    this.allowedHostEntries = options.allowedHosts;
    this.#store = options.store;
    this.#hosts = options.allowedHosts.length ? parseAllowedHosts(options.allowedHosts) : null;
  }

  /** Environment references of a submitted or stored document (before validation) it may not use. */
  documentProblems(document: unknown): InputProblem[] {
    return envReferenceProblems(document, this.envAllow);
  }

  /** Every file, host and database of a validated spec that it may not reach; paths are spec paths. */
  problems(spec: MigrationSpec): InputProblem[] {
    return [
      ...fileProblems(spec, this.files),
      ...storeEndpointProblems(spec, this.#store),
      ...hostProblems(spec, this.#hosts),
    ];
  }
}
