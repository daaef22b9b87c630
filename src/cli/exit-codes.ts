/** Process exit codes of `jivs`. */
export const EXIT_SUCCESS = 0;
/** The migration ran and failed (error policy, verification, a connector error mid-run). */
export const EXIT_MIGRATION_FAILED = 1;
/** Bad input: spec, arguments, files. Nothing was moved. */
export const EXIT_BAD_INPUT = 2;
