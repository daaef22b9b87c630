/** Naming rules for target identifiers. */
import { snakeCase } from 'change-case';

export type NamingRule = 'keep' | 'snake_case' | 'lower';

/** Applies a naming rule: `CustNo` → `cust_no` (snake_case) or `custno` (lower). */
export function applyNaming(name: string, rule: NamingRule): string {
  switch (rule) {
    case 'keep':
      return name;
    case 'lower':
      return name.toLowerCase();
    case 'snake_case':
      // change-case splits on case changes and separators; keep digits attached ("Line2" → "line2").
      return snakeCase(name, { separateNumbers: false }) || name;
  }
}
