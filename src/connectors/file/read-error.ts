/** How errors found while a file is being read are reported. */
import { InputError, MigrationFailedError } from '../../core/errors.ts';

/**
 * Bad input found during `read` means rows may already have moved, so an {@link InputError} (which
 * promises that nothing moved) becomes a {@link MigrationFailedError} with the same message; other
 * errors are returned unchanged.
 */
export function asReadError(error: unknown): unknown {
  return error instanceof InputError ? new MigrationFailedError(error.message, { cause: error }) : error;
}

/** Rejects bounds other than the whole table: a file is one partition. */
export function assertWholeFile(kind: string): void {
  if (kind !== 'whole') throw new Error(`file sources read whole files; got bounds of kind "${kind}".`);
}
