/**
 * The 64-bit hash of one row (xxHash64, via WebAssembly): every value normalised by its column (see
 * value-normalizer.ts), each one length-prefixed (`5:hello`, NULL as `-`) so that columns stay apart
 * unambiguously: NULL, '' and 'NULL' differ, and so do two values swapped between columns.
 */
import xxhash from 'xxhash-wasm';
import type { ColumnSchema, Row } from '../connectors/connector.ts';
import { nonNullNormalizer } from './value-normalizer.ts';

const { h64 } = await xxhash();

/** A row's 64-bit hash, as an unsigned bigint. */
export type RowHasher = (row: Row) => bigint;

/** Compiles, once per table, the hash of rows whose values are in `columns` order. */
export function createRowHasher(columns: readonly ColumnSchema[]): RowHasher {
  const normalizers = columns.map(nonNullNormalizer);
  const width = normalizers.length;
  return (row) => {
    let text = '';
    for (let c = 0; c < width; c++) {
      const value = row[c];
      if (value === null || value === undefined) {
        text += '-';
        continue;
      }
      const normal = normalizers[c]!(value);
      text += `${normal.length}:${normal}`;
    }
    return h64(text);
  };
}
