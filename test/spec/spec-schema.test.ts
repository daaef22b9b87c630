/**
 * The published JSON Schema (`jivs schema`, used by editors) must agree with the loader: it accepts
 * every valid fixture and rejects every structurally malformed one.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { parseDocument } from 'yaml';
import { ENDPOINT_TYPES, MIGRATION_SPEC_JSON_SCHEMA } from '../../src/spec/published-schema.ts';
import { migrationSpecJsonSchema } from '../../src/spec/spec-schema.ts';
import { invalidFixtures, validFixtures } from './spec-fixtures.ts';

function compileFresh() {
  const ajv = new Ajv({ discriminator: true, strict: false });
  const schema = migrationSpecJsonSchema();
  assert.ok(ajv.validateSchema(schema), `not a valid draft-07 schema: ${ajv.errorsText(ajv.errors)}`);
  return ajv.compile(schema);
}

function readDocument(file: string): unknown {
  const document = parseDocument(readFileSync(file, 'utf8'), { uniqueKeys: true });
  assert.deepEqual(document.errors, [], `${file} does not parse`);
  return document.toJS();
}

describe('migrationSpecJsonSchema', () => {
  it('is a valid draft-07 schema that a fresh Ajv compiles', () => {
    const schema = migrationSpecJsonSchema();
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.equal(typeof compileFresh(), 'function');
  });

  it('survives JSON serialisation unchanged, so it can be published as a file', () => {
    const schema = migrationSpecJsonSchema();
    assert.deepEqual(JSON.parse(JSON.stringify(schema)), schema);
  });

  it('returns a fresh copy each time', () => {
    const first = migrationSpecJsonSchema() as { properties: Record<string, unknown> };
    delete first.properties.version;
    assert.ok('version' in (migrationSpecJsonSchema() as { properties: Record<string, unknown> }).properties);
  });

  const validate = compileFresh();

  for (const fixture of validFixtures()) {
    it(`accepts valid/${fixture.name}`, () => {
      const ok = validate(readDocument(fixture.file));
      assert.ok(ok, JSON.stringify(validate.errors, null, 2));
    });
  }

  for (const fixture of invalidFixtures().filter((f) => !f.fileLevel)) {
    if (fixture.semantic) {
      it(`accepts invalid/${fixture.name} (only the semantic checks catch it)`, () => {
        const ok = validate(readDocument(fixture.file));
        assert.ok(ok, JSON.stringify(validate.errors, null, 2));
      });
    } else {
      it(`rejects invalid/${fixture.name}`, () => {
        assert.equal(validate(readDocument(fixture.file)), false);
        assert.ok(validate.errors?.length);
      });
    }
  }
});

describe('published JSON Schema', () => {
  it('is exactly what the TypeBox definition generates (run `npm run schema:generate` after changing it)', () => {
    assert.deepEqual(MIGRATION_SPEC_JSON_SCHEMA, migrationSpecJsonSchema());
  });

  it('lists every endpoint type', () => {
    assert.deepEqual(ENDPOINT_TYPES, ['sqlite', 'csv', 'jsonl', 'postgres', 'mysql']);
  });
});
