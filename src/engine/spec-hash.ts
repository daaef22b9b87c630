/** Identifies a spec's content: runs of the same spec are found again by it, and a resume or a partition job must carry the same. */
import { createHash } from 'node:crypto';

/** Identifies a spec's content, so runs of the same spec can be found again. */
export function specHash(spec: unknown): string {
  return createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16);
}
