/**
 * A value that a transform step cannot handle (an unparsable date, a value missing from a strict value
 * map, …). The pipeline catches it and rejects the row with the message as the reason, prefixed with the
 * column name; it never ends the run.
 */
export class TransformError extends Error {}
