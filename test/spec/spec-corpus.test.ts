/**
 * The malformed-spec corpus: every fixture in test/fixtures/specs/invalid must be rejected with exactly
 * the problems its `# expect:` lines name, each with a message that tells the user what to do; every
 * fixture in test/fixtures/specs/valid must load with its defaults filled in. See spec-fixtures.ts for
 * the expectation format.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { InputError, type InputProblem } from '../../src/core/errors.ts';
import { loadSpec } from '../../src/plan/load-spec.ts';
import type { MigrationSpec } from '../../src/spec/spec-schema.ts';
import { INVALID_DIR, VALID_DIR, invalidFixtures, validFixtures } from './spec-fixtures.ts';

async function rejection(file: string): Promise<InputError> {
  const error: unknown = await loadSpec(file).then(
    () => assert.fail(`${file} loaded, but it should have been rejected`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
  return error;
}

function listing(problems: InputProblem[]): string {
  return problems.map((p) => `  [${p.path}] ${p.message}`).join('\n');
}

/** Every problem must tell the user what is wrong in a full sentence, and name the keys they may use. */
function assertGivesGuidance(error: InputError): void {
  assert.ok(error.message.trim().length > 0, 'the error message is empty');
  for (const problem of error.problems) {
    assert.ok(problem.message.trim().length > 10, `problem at "${problem.path}" has no real message`);
    assert.match(problem.message, /[.?]$/, `"${problem.message}" is not a full sentence`);
    assert.ok(error.message.includes(problem.message), 'the error message leaves out a problem');
    if (problem.path)
      assert.ok(error.message.includes(`${problem.path}: `), 'the error message leaves out a path');
    if (problem.message.startsWith('unknown key')) {
      const allowed = /Allowed keys here: (.+)\.$/.exec(problem.message)?.[1]?.split(', ') ?? [];
      assert.ok(allowed.length > 0, `"${problem.message}" does not list the allowed keys`);
      const suggestion = /Did you mean "([^"]+)"\?/.exec(problem.message)?.[1];
      if (suggestion !== undefined)
        assert.ok(allowed.includes(suggestion), 'suggests a key that is not allowed');
    }
  }
}

describe('malformed spec corpus', () => {
  const fixtures = invalidFixtures();

  it('has enough fixtures, each with expectations', () => {
    assert.ok(fixtures.length >= 24, `only ${fixtures.length} invalid fixtures`);
    for (const fixture of fixtures) {
      assert.ok(fixture.expectations.length > 0, `${fixture.name} has no "# expect:" line`);
    }
  });

  for (const fixture of fixtures) {
    it(`rejects ${fixture.name}`, async () => {
      const error = await rejection(fixture.file);
      const expected = fixture.expectations.map((e) => ({
        ...e,
        path: e.path.replaceAll('{file}', fixture.file),
      }));
      for (const expectation of expected) {
        assert.ok(
          error.problems.some((p) => p.path === expectation.path && p.message.includes(expectation.message)),
          `expected a problem at "${expectation.path}" containing "${expectation.message}"; got:\n${listing(error.problems)}`,
        );
      }
      // No noise: one problem per expected path, nothing else.
      const expectedPaths = new Set(expected.map((e) => e.path));
      assert.equal(
        error.problems.length,
        expectedPaths.size,
        `expected ${expectedPaths.size} problem(s); got:\n${listing(error.problems)}`,
      );
      assertGivesGuidance(error);
    });
  }

  it('rejects a spec file that does not exist', async () => {
    const file = join(INVALID_DIR, 'no-such-spec.yaml');
    const error = await rejection(file);
    assert.deepEqual(
      error.problems.map((p) => p.path),
      [file],
    );
    assert.match(error.problems[0]!.message, /does not exist; check the path/);
    assertGivesGuidance(error);
  });

  it('rejects a directory given as the spec file', async () => {
    const error = await rejection(VALID_DIR);
    assert.deepEqual(
      error.problems.map((p) => p.path),
      [VALID_DIR],
    );
    assert.match(error.problems[0]!.message, /is a directory; give the spec file inside it/);
    assertGivesGuidance(error);
  });
});

describe('valid spec corpus', () => {
  const fixtures = validFixtures();
  const DEFAULTS = {
    batchSize: 1000,
    parallelism: 2,
    naming: 'keep',
    mode: 'create',
    partitionRows: 250000,
  } as const;

  it('has 3 or more fixtures, one of them relying on every default', () => {
    assert.ok(fixtures.length >= 3);
    const raws = fixtures.map((f) => parse(readFileSync(f.file, 'utf8')) as Record<string, unknown>);
    assert.ok(raws.some((raw) => Object.keys(DEFAULTS).every((key) => raw[key] === undefined)));
  });

  for (const fixture of fixtures) {
    it(`loads ${fixture.name} with defaults filled in`, async () => {
      const loaded = await loadSpec(fixture.file);
      const raw = parse(readFileSync(fixture.file, 'utf8')) as Record<string, unknown>;
      assert.equal(loaded.file, fixture.file);
      assert.equal(loaded.files.baseDir, VALID_DIR.replace(/\/$/, ''));
      for (const [key, fallback] of Object.entries(DEFAULTS)) {
        assert.equal(
          loaded.spec[key as keyof typeof DEFAULTS],
          raw[key] ?? fallback,
          `${key} of ${fixture.name}`,
        );
      }
      assert.equal(loaded.spec.name, raw.name ?? 'migration');
      assert.deepEqual(loaded.spec.tables, raw.tables ?? []);
      assert.deepEqual(loaded.spec.errors, raw.errors ?? {});
      assert.deepEqual(loaded.spec.source, { ...(raw.source as object), ...loaded.spec.source });
    });
  }

  it('keeps ${ENV:…} references unresolved in the loaded spec', async () => {
    const { spec } = await loadSpec(join(VALID_DIR, 'csv-all-options.yaml'));
    assert.ok('path' in spec.source);
    assert.equal(spec.source.path, '${ENV:JIVS_EXPORT_DIR}/crm');
  });

  it('keeps the table entries, column overrides and error policy as written', async () => {
    const { spec }: { spec: MigrationSpec } = await loadSpec(join(VALID_DIR, 'tables-columns-errors.yaml'));
    assert.deepEqual(spec.include, ['cust*', 'order*', 'invoice_lines']);
    assert.deepEqual(spec.exclude, ['*_backup', 'order_audit']);
    assert.deepEqual(
      spec.tables.map((t) => [t.name, t.target, t.mode]),
      [
        ['customers', 'clients', 'truncate'],
        ['orders', undefined, 'fail-if-exists'],
      ],
    );
    assert.deepEqual(spec.tables[0]!.columns, {
      email: { rename: 'email_address', type: 'varchar(255)' },
      credit_limit: { type: 'decimal(12,2)' },
      'legacy flags': { skip: true },
    });
    assert.deepEqual(spec.errors, { maxRejects: 100, maxRejectRate: 0.01 });
  });
});

describe('secrets in specs', () => {
  it('never repeats a password written in place of an environment reference', async () => {
    const error = await loadSpec(join(INVALID_DIR, 'literal-password.yaml')).then(
      () => assert.fail('a literal password must be refused'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof InputError);
    assert.ok(!error.message.includes('hunter2-secret'), error.message);
  });
});
