import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MigrationFailedError } from '../../src/core/errors.ts';
import { reviveError, transportError } from '../../src/engine/error-transport.ts';
import { RunPaused } from '../../src/engine/run-interruption.ts';

describe('errors across the partition boundary', () => {
  it('keeps a stop on request a RunPaused, though it extends MigrationFailedError', () => {
    const revived = reviveError(structuredClone(transportError(new RunPaused('stopped on request.'))));
    assert.ok(revived instanceof RunPaused);
    assert.equal(revived.message, 'stopped on request.');
  });

  it('keeps a migration failure a migration failure, not a pause', () => {
    const revived = reviveError(transportError(new MigrationFailedError('the target went away')));
    assert.ok(revived instanceof MigrationFailedError);
    assert.ok(!(revived instanceof RunPaused));
  });
});
