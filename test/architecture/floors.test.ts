/**
 * Issue 12: the floors of src/ hold (.dependency-cruiser.cjs). A lower floor never imports a higher
 * one or a folder beside it, and no modules import each other in a circle; type-only imports are free.
 * The second test builds a small tree that breaks both rules, so the check is known to catch them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../support/temp-dir.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const depcruise = join(root, 'node_modules', '.bin', 'depcruise');
const config = join(root, '.dependency-cruiser.cjs');

function cruise(cwd: string) {
  return spawnSync(depcruise, ['src', '--config', config, '--output-type', 'err'], { cwd, encoding: 'utf8' });
}

test('src/ keeps its floors: no upward or sideways import, no import cycle', () => {
  const result = cruise(root);
  assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
});

test('the check catches an upward import, a sideways import and a cycle, and lets type-only imports pass', async () => {
  const dir = await tempDir();
  const files: Record<string, string> = {
    'src/core/up.ts': "import { run } from '../engine/run.ts';\nexport const up = run;\n",
    'src/engine/run.ts': 'export const run = 1;\n',
    'src/spec/side.ts': "import { rule } from '../rules/rule.ts';\nexport const side = rule;\n",
    'src/rules/rule.ts': "import type { Typed } from '../plan/typed.ts';\nexport const rule: Typed = 1;\n",
    'src/plan/typed.ts': 'export type Typed = number;\n',
    'src/plan/a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
    'src/plan/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
    'tsconfig.json': JSON.stringify({
      compilerOptions: { allowImportingTsExtensions: true, noEmit: true, module: 'nodenext' },
    }),
  };
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  const result = cruise(dir);
  const output = `${result.stdout}\n${result.stderr}`;
  assert.notEqual(result.status, 0, output);
  assert.match(output, /floor-core: src\/core\/up\.ts → src\/engine\/run\.ts/);
  assert.match(output, /floor-spec: src\/spec\/side\.ts → src\/rules\/rule\.ts/);
  assert.match(output, /no-runtime-cycles: src\/plan\/a\.ts →\s+src\/plan\/b\.ts/);
  assert.doesNotMatch(output, /floor-rules/, 'a type-only import is free');
});
