/**
 * CSV formula injection (OWASP): a spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab or
 * a carriage return as a formula, so such a cell is written with a leading `'`, which shows as text.
 * Negative numbers (`-5`) get the prefix too: OWASP's rule, and the exports say so.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** The cell as text, with `'` in front when a spreadsheet would read it as a formula. */
export function neutralizeFormula(cell: unknown): string {
  const text = cell === null || cell === undefined ? '' : String(cell);
  return FORMULA_START.test(text) ? `'${text}` : text;
}
