/**
 * The values and rows that travel through the pipeline, the same whatever the connector: sources yield
 * them, transforms, rules and digests read them, sinks write them.
 */

/**
 * A value in canonical form, the same whatever the connector:
 * integer → number (bigint beyond 2^53), decimal → string, float → number, text → string,
 * boolean → boolean, date → `YYYY-MM-DD`, time → `HH:MM:SS[.fff]`, timestamp → `YYYY-MM-DD HH:MM:SS[.fff]`,
 * timestamptz → `YYYY-MM-DD HH:MM:SS[.fff]+HH:MM`, binary → Buffer, json → JSON text, uuid → string,
 * an array type → an array of those; NULL → null.
 */
export type CanonicalValue = string | number | bigint | boolean | Buffer | null | CanonicalValue[];

/** One row, values in column order. */
export type Row = unknown[];

/** A batch of rows: the unit that moves between phases. */
export type RowBatch = Row[];
