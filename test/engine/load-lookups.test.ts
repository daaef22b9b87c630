/** Lookup files are read through the CSV and JSON Lines sources: values, header checks and refusals. */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Source } from '../../src/connectors/connector.ts';
import { InputError } from '../../src/core/errors.ts';
import { loadLookups } from '../../src/engine/load-lookups.ts';
import type { TablePlan } from '../../src/plan/plan-types.ts';
import { tempDir } from '../support/temp-dir.ts';

const NO_SOURCE = null as unknown as Source;

async function load(name: string, text: string, key = 'code', value = 'label') {
  const file = join(await tempDir(), name);
  await writeFile(file, text);
  const lookup = { path: 'tables[0].columns.c.transform[0].lookup', table: null, file, key, value };
  const tables = [{ quality: { lookups: [lookup] } }] as unknown as TablePlan[];
  return [...(await loadLookups(tables, NO_SOURCE)).get(lookup.path)!];
}

describe('loadLookups from files', () => {
  it('reads a CSV file by its header; empty fields are empty strings, quoted or not', async () => {
    assert.deepEqual(await load('status.csv', 'code,label,x\nA,Alpha,1\nB,,2\n"",empty,3\nC,"",4\n'), [
      ['A', 'Alpha'],
      ['B', ''],
      ['', 'empty'],
      ['C', ''],
    ]);
  });

  it('refuses a CSV file whose header lacks the column, naming the step', async () => {
    await assert.rejects(load('status.csv', 'code,name\nA,x\n'), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, /lookup: the lookup file's header .* has no column "label"/);
      return true;
    });
  });

  it('refuses a CSV file with a malformed record, without quoting it', async () => {
    await assert.rejects(load('status.csv', 'code,label\nA,"secret\n'), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, /status\.csv:2: Quote Not Closed/);
      assert.doesNotMatch(error.message, /secret/);
      return true;
    });
  });

  it('reads a JSON Lines file; objects without the key are skipped', async () => {
    const text = '{"code":"A","label":"Alpha"}\n\n{"code":1,"label":"One"}\n{"label":"no key"}\n';
    assert.deepEqual(await load('status.jsonl', text), [
      ['A', 'Alpha'],
      ['1', 'One'],
    ]);
  });

  it('refuses a JSON Lines file with a line that is not JSON, at its line', async () => {
    await assert.rejects(load('status.jsonl', '{"code":"A"}\nnot json\n'), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, /status\.jsonl:2: not valid JSON/);
      return true;
    });
  });
});
