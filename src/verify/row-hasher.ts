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
import type { LogicalKind } from '../core/logical-type.ts';
import { nonNullNormalizer } from './value-normalizer.ts';

const ASCII_KINDS = new Set<LogicalKind>(['boolean', 'integer', 'bigint', 'decimal', 'float', 'binary']);

/** A row's 64-bit hash, as an unsigned bigint. */
export type RowHasher = (row: Row) => bigint;

/** The canonical text of a row whose values are in `columns` order (what is hashed). */
export type RowTexter = (row: Row) => string;

/** Compiles, once per table, the canonical text of rows whose values are in `columns` order. */
export function createRowTexter(columns: readonly ColumnSchema[]): RowTexter {
  const normalizers = columns.map(nonNullNormalizer);
  // Kinds whose normal spellings are ASCII (digits, hex, t/f): their length in bytes is their length,
  // unless the value was no such value and kept its raw spelling (`?…`).
  const ascii = columns.map((c) => !c.type.array && ASCII_KINDS.has(c.type.kind));
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
      const bytes =
        ascii[c] && normal.charCodeAt(0) !== 63 ? normal.length : Buffer.byteLength(normal, 'utf8');
      text += `${bytes}:${normal}`;
    }
    return text;
  };
}

/** The row hash of a canonical row text: the first 16 hex digits of its MD5, as an unsigned bigint. */
export function hashRowText(text: string): bigint {
  return BigInt(`0x${hash('md5', text, 'hex').slice(0, 16)}`);
}

/**
 * The row hash of a canonical row text as its high and low 32 bits (no bigint: the pipeline's digest
 * runs this for every loaded row).
 */
export function hashRowTextHalves(text: string): [high: number, low: number] {
  const hex = hash('md5', text, 'hex');
  return [parseInt(hex.slice(0, 8), 16), parseInt(hex.slice(8, 16), 16)];
}

/** Compiles, once per table, the hash of rows whose values are in `columns` order. */
export function createRowHasher(columns: readonly ColumnSchema[]): RowHasher {
  const text = createRowTexter(columns);
  return (row) => hashRowText(text(row));
}
