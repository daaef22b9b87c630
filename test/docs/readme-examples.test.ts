/** The README's spec examples are specs: each YAML block validates (fragments get the keys they leave out). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { parseSpecText } from '../../src/plan/load-spec.ts';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const BLOCKS = [...README.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** A fragment completed with a version and SQLite endpoints where it has none. */
function completed(block: string): string {
  const keys = Object.keys((parseDocument(block).toJS() as Record<string, unknown>) ?? {});
  const missing = [
    keys.includes('version') ? '' : 'version: 1',
    keys.includes('source') ? '' : 'source: { type: sqlite, path: legacy.db }',
    keys.includes('target') ? '' : 'target: { type: sqlite, path: new.db }',
  ].filter(Boolean);
  return `${missing.join('\n')}\n${block}`;
}

describe('README examples', () => {
  it('has spec examples', () => assert.ok(BLOCKS.length >= 3, `${BLOCKS.length} YAML blocks`));

  BLOCKS.forEach((block, i) => {
    it(`YAML block ${i + 1} is a valid spec`, () => {
      const spec = parseSpecText(completed(block), `README.md block ${i + 1}`);
      assert.equal(spec.version, 1);
    });
  });
});
