/** Maps the columns a reader asks for to their positions in a file. */
import { InputError } from '../../core/errors.ts';

/**
 * The position in `available` of each name in `wanted` (a subset of the file's columns, in any order).
 *
 * @param where the file, named in the error
 * @throws InputError when a wanted column is not in the file
 */
export function columnPositions(available: string[], wanted: string[], where: string): number[] {
  const positions = new Map<string, number>();
  available.forEach((name, i) => {
    if (!positions.has(name)) positions.set(name, i);
  });
  const missing = wanted.filter((name) => !positions.has(name));
  if (missing.length) {
    throw new InputError([
      {
        path: where,
        message: `has no column ${missing.map((name) => `"${name}"`).join(', ')}; its columns are [${available.join(', ')}]. Was the file changed after planning?`,
      },
    ]);
  }
  return wanted.map((name) => positions.get(name)!);
}
