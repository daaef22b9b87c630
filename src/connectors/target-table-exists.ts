import { InputError } from '../core/errors.ts';

/** The error every database sink gives for mode `fail-if-exists` when the table is already there. */
export function targetTableExists(table: string): InputError {
  return new InputError(
    `target table "${table}" already exists; drop it or choose mode create, truncate or append.`,
  );
}
