import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { InputError } from '../../src/core/errors.ts';
import { resolveEndpointReferences, resolveEnvReferences } from '../../src/spec/env-references.ts';

const SECRET = 'pa55-W0rd!secret';

/** Everything of an error that could end up on a screen, in a log or in an API response. */
function allTextOf(error: InputError): string {
  return [error.message, error.stack, String(error), inspect(error), JSON.stringify(error.problems)].join(
    '\n',
  );
}

function thrown(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
    return error;
  }
  return assert.fail('expected an InputError, nothing was thrown');
}

describe('resolveEnvReferences', () => {
  it('replaces a reference with the variable', () => {
    assert.equal(
      resolveEnvReferences('${ENV:DB_PATH}', 'source.path', { DB_PATH: '/data/erp.db' }),
      '/data/erp.db',
    );
  });

  it('replaces several references, and the same one twice, inside surrounding text', () => {
    const env = { DB_USER: 'migrator', DB_HOST: 'db.internal', DATA: '/srv' };
    assert.equal(
      resolveEnvReferences('postgres://${ENV:DB_USER}@${ENV:DB_HOST}/erp', 'target.url', env),
      'postgres://migrator@db.internal/erp',
    );
    assert.equal(
      resolveEnvReferences('${ENV:DATA}/in:${ENV:DATA}/out', 'source.path', env),
      '/srv/in:/srv/out',
    );
  });

  it('returns text without references unchanged', () => {
    assert.equal(resolveEnvReferences('exports/$HOME/{x}.csv', 'source.path', {}), 'exports/$HOME/{x}.csv');
  });

  it('treats a variable set to the empty string as set', () => {
    assert.equal(resolveEnvReferences('a${ENV:EMPTY}b', 'source.path', { EMPTY: '' }), 'ab');
  });

  it('reads process.env by default', () => {
    process.env.JIVS_TEST_ENV_REFERENCE = 'from-process';
    try {
      assert.equal(resolveEnvReferences('${ENV:JIVS_TEST_ENV_REFERENCE}', 'source.path'), 'from-process');
    } finally {
      delete process.env.JIVS_TEST_ENV_REFERENCE;
    }
  });

  it('names every missing variable in one problem at the spec path', () => {
    const error = thrown(() =>
      resolveEnvReferences('${ENV:MISSING_A}/${ENV:SET}/${ENV:MISSING_B}', 'source.path', { SET: 'x' }),
    );
    assert.equal(error.problems.length, 1);
    const [problem] = error.problems;
    assert.equal(problem!.path, 'source.path');
    assert.match(problem!.message, /"MISSING_A"/);
    assert.match(problem!.message, /"MISSING_B"/);
    assert.doesNotMatch(problem!.message, /"SET"/);
    assert.match(problem!.message, /not set; export it before running\.$/);
    assert.match(error.message, /^source\.path: /);
  });

  it('never puts a resolved value into the error', () => {
    const env = { DB_USER: 'migrator', DB_PASSWORD: SECRET };
    const error = thrown(() =>
      resolveEnvReferences(
        'postgres://${ENV:DB_USER}:${ENV:DB_PASSWORD}@${ENV:DB_HOST}/erp',
        'target.url',
        env,
      ),
    );
    assert.match(error.message, /"DB_HOST"/);
    const text = allTextOf(error);
    assert.ok(!text.includes(SECRET), 'the secret appears in the error');
    assert.ok(!text.includes('migrator'), 'a resolved value appears in the error');
  });
});

describe('resolveEndpointReferences', () => {
  const endpoint = {
    type: 'csv',
    path: '${ENV:EXPORT_DIR}/crm',
    header: true,
    delimiter: ';',
    encoding: '${ENV:EXPORT_ENCODING}',
  };

  it('resolves every string field and leaves the others alone', () => {
    const resolved = resolveEndpointReferences(endpoint, 'source', {
      EXPORT_DIR: '/data/exports',
      EXPORT_ENCODING: 'latin1',
    });
    assert.deepEqual(resolved, { ...endpoint, path: '/data/exports/crm', encoding: 'latin1' });
    assert.equal(endpoint.path, '${ENV:EXPORT_DIR}/crm', 'the spec itself keeps the reference');
  });

  it('collects the missing variables of all fields into one error, each at its spec path', () => {
    const error = thrown(() => resolveEndpointReferences(endpoint, 'source', {}));
    assert.deepEqual(
      error.problems.map((p) => p.path),
      ['source.path', 'source.encoding'],
    );
    assert.match(error.problems[0]!.message, /"EXPORT_DIR"/);
    assert.match(error.problems[1]!.message, /"EXPORT_ENCODING"/);
  });

  it('does not leak a value resolved in one field when another field fails', () => {
    const target = { type: 'sqlite', path: '${ENV:TARGET_DIR}/new.db', password: '${ENV:DB_PASSWORD}' };
    const error = thrown(() => resolveEndpointReferences(target, 'target', { DB_PASSWORD: SECRET }));
    assert.deepEqual(
      error.problems.map((p) => p.path),
      ['target.path'],
    );
    assert.ok(!allTextOf(error).includes(SECRET), 'the secret appears in the error');
  });
});
