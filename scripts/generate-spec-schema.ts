/**
 * Writes src/spec/migration-spec.schema.json from the TypeBox definition in src/spec/spec-schema.ts.
 * The CLI validates with that JSON file, so TypeBox (≈20 MB of modules) stays out of every run.
 * `npm run schema:generate` after changing spec-schema.ts; a test fails while the two differ.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { migrationSpecJsonSchema } from '../src/spec/spec-schema.ts';

const file = fileURLToPath(new URL('../src/spec/migration-spec.schema.json', import.meta.url));
await writeFile(file, `${JSON.stringify(migrationSpecJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${file}\n`);
