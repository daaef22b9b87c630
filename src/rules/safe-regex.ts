/**
 * Regular expressions from specs (pattern rules, replace steps, `regex()` in expressions) run on RE2
 * (re2js): matching takes time linear in the input, so no pattern — `^(a+)+$` included — can hang a run
 * on a hostile value. RE2 has no back-references or look-arounds; everything else reads as in JavaScript.
 */
import type * as Re2 from 're2js';
import { loadLibrary } from './load-library.ts';

let re2Library: typeof Re2 | undefined;
const re2 = () => (re2Library ??= loadLibrary('re2js') as typeof Re2).RE2JS;

/** A compiled pattern. */
export interface SafeRegex {
  test(text: string): boolean;
  /** Replaces every match; `$1` … in `replacement` refer to groups. */
  replaceAll(text: string, replacement: string): string;
}

/** Flags as specs write them: i (ignore case), m (multi-line), s (dot matches newline); u is implied. */
function flagBits(flags: string): number {
  const RE2JS = re2();
  let bits = 0;
  if (flags.includes('i')) bits |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) bits |= RE2JS.MULTILINE;
  if (flags.includes('s')) bits |= RE2JS.DOTALL;
  return bits;
}

/**
 * Largest compiled pattern accepted, in RE2 instructions. RE2's time per character of text grows with
 * the program (`[a-z]{1000}` is 1,000 instructions), so this bounds the cost of one match; everyday
 * patterns are a few dozen.
 */
export const MAX_PROGRAM_SIZE = 500;

/** @throws Error with RE2's reason when the pattern is not valid RE2 syntax or too large. */
export function compileRegex(pattern: string, flags = ''): SafeRegex {
  const re = re2().compile(pattern, flagBits(flags));
  if (re.programSize() > MAX_PROGRAM_SIZE) {
    throw new Error(
      `error parsing regexp: the pattern compiles to ${re.programSize()} instructions, more than ${MAX_PROGRAM_SIZE}; use smaller counted repetitions ({n})`,
    );
  }
  return {
    test: (text) => re.matcher(text).find(),
    replaceAll: (text, replacement) => re.matcher(text).replaceAll(replacement),
  };
}

/** Null when `pattern` compiles; otherwise what is wrong, for a spec problem. */
export function regexProblem(pattern: string, flags = ''): string | null {
  try {
    compileRegex(pattern, flags);
    return null;
  } catch (error) {
    const reason = (error as Error).message.replace(/^error parsing regexp: /, '');
    return `is not a valid regular expression (${reason}); RE2 syntax, without back-references or look-arounds.`;
  }
}

/** Patterns of `regex()` calls: literals, compiled once each (each at most MAX_PROGRAM_SIZE instructions). */
const cache = new Map<string, SafeRegex>();

/** The compiled form of a `regex()` pattern (a literal of the spec, checked when it was planned). */
export function cachedRegex(pattern: string): SafeRegex {
  let re = cache.get(pattern);
  if (!re) {
    re = compileRegex(pattern);
    cache.set(pattern, re);
  }
  return re;
}
