/**
 * Libraries that only some specs need (format checks, RE2), loaded on first use: a run without format
 * or pattern rules does not pay their ~25 MB of memory. Their types are imported as usual.
 */
import { createRequire } from 'node:module';

/** Loads a library's CommonJS build, synchronously, once. */
export const loadLibrary = createRequire(import.meta.url);
