import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LogLimiter } from '../../../src/logging/log-limiter.js';

describe('LogLimiter', () => {
  it('lets one line per interval and key through, counting those held back', () => {
    const limiter = new LogLimiter(1000);
    assert.equal(limiter.admit('a', 0), 0);
    assert.equal(limiter.admit('a', 500), undefined);
    assert.equal(limiter.admit('a', 999), undefined);
    assert.equal(limiter.admit('b', 999), 0);
    assert.equal(limiter.admit('a', 1000), 2);
    assert.equal(limiter.admit('a', 1500), undefined);
  });

  it('admits the next line at once after reset(), with nothing held back', () => {
    const limiter = new LogLimiter(1000);
    limiter.admit('a', 0);
    limiter.admit('a', 10);
    limiter.reset();
    assert.equal(limiter.admit('a', 20), 0);
  });
});
