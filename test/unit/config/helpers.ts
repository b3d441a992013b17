import assert from 'node:assert/strict';
import { ConfigurationError } from '../../../src/errors/configuration-error.js';

/** Runs `action`, asserts it throws a ConfigurationError for `key`, and returns the error. */
export function configurationErrorOf(action: () => unknown, key: string): ConfigurationError {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof ConfigurationError, `expected ConfigurationError, got ${String(error)}`);
    assert.equal(error.key, key, error.message);
    assert.equal(error.code, 'KADABRA_CONFIGURATION');
    return error;
  }
  assert.fail(`expected a ConfigurationError for ${key}`);
}
