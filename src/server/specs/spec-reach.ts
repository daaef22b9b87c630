/**
 * What a spec run by the service may reach, checked in one place at intake and again before a stored
 * spec runs: files inside the spec folder (never the service's own), and databases other than the
 * store's own schema.
 */
import type { InputProblem } from '../../errors.ts';
import type { FileResolver } from '../../spec/file-resolver.ts';
import { fileProblems } from '../../spec/spec-file-paths.ts';
import type { MigrationSpec } from '../../spec/spec-schema.ts';
import { storeEndpointProblems, type StoreAddress } from './store-endpoint.ts';

export class SpecReach {
  constructor(
    /** Resolves every file path of a spec (service-files.ts). */
    readonly files: FileResolver,
    /** The PostgreSQL store's address; null for a SQLite store. */
    readonly store: StoreAddress | null,
  ) {}

  /** Every place `spec` names that it may not reach; paths are spec paths (`source.path`, …). */
  problems(spec: MigrationSpec): InputProblem[] {
    return [...fileProblems(spec, this.files), ...storeEndpointProblems(spec, this.store)];
  }
}
