/**
 * The 64-bit hash of one row, one that a database can compute too (see connectors/postgres/
 * postgres-digest.ts): the MD5 of the row's canonical text, its first 8 bytes read as an unsigned
 * big-endian integer. The canonical text puts every value normalised by its column (see
 * value-normalizer.ts) after its length in UTF-8 bytes (`5:hello`, NULL as `-`), so that columns stay
 * apart unambiguously: NULL, '' and 'NULL' differ, and so do two values swapped between columns.
 *
 * MD5 by node:crypto's one-shot `hash` (OpenSSL). Measured on this machine, 1M rows of 12 columns: about
 * 1 µs to build a row's text and 3 µs to hash it; hash-wasm's reusable MD5 was no faster, and the
 * UTF-8 byte length costs the same as a code-point count (while PostgreSQL's octet_length is O(1)).
 */
import { hash } from 'node:crypto';
import type { ColumnSchema, Row } from '../connectors/connector.ts';
import { nonNullNormalizer } from './value-normalizer.ts';

/** A row's 64-bit hash, as an unsigned bigint. */
export type RowHasher = (row: Row) => bigint;

/** The canonical text of a row whose values are in `columns` order (what is hashed). */
export type RowTexter = (row: Row) => string;

/** Compiles, once per table, the canonical text of rows whose values are in `columns` order. */
export function createRowTexter(columns: readonly ColumnSchema[]): RowTexter {
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
      text += `${Buffer.byteLength(normal, 'utf8')}:${normal}`;
    }
    return text;
  };
}

/** The row hash of a canonical row text: the first 16 hex digits of its MD5, as an unsigned bigint. */
export function hashRowText(text: string): bigint {
  return BigInt(`0x${hash('md5', text, 'hex').slice(0, 16)}`);
}

/** Compiles, once per table, the hash of rows whose values are in `columns` order. */
export function createRowHasher(columns: readonly ColumnSchema[]): RowHasher {
  const text = createRowTexter(columns);
  return (row) => hashRowText(text(row));
}
