import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff, backoffDelayMs } from '../../../src/retry/backoff.js';

describe('backoffDelayMs', () => {
  it('multiplies by the factor from initialMs and stops at maxMs', () => {
    const doubling = Array.from({ length: 9 }, (_, attempt) => backoffDelayMs(attempt, { initialMs: 20, maxMs: 2000 }));
    assert.deepEqual(doubling, [20, 40, 80, 160, 320, 640, 1280, 2000, 2000]);
    const slower = Array.from({ length: 9 }, (_, attempt) => backoffDelayMs(attempt, { initialMs: 4, maxMs: 50, factor: 1.5 }));
    assert.deepEqual(slower, [4, 6, 9, 13.5, 20.25, 30.375, 45.5625, 50, 50]);
  });

  it('stays at maxMs, not NaN, after very many attempts, even from 0', () => {
    assert.equal(backoffDelayMs(10_000, { initialMs: 50, maxMs: 2000 }), 2000);
    assert.equal(backoffDelayMs(10_000, { initialMs: 0, maxMs: 2000 }), 0);
  });
});

describe('Backoff without jitter', () => {
  it('hands out the exact steps and starts over after reset()', () => {
    const backoff = new Backoff({ initialMs: 5, maxMs: 50, jitter: false });
    assert.deepEqual([backoff.next(), backoff.next(), backoff.next(), backoff.next(), backoff.next()], [5, 10, 20, 40, 50]);
    backoff.reset();
    assert.equal(backoff.next(), 5);
  });

  it('honours a Retry-After as a minimum up to maxMs', () => {
    const backoff = new Backoff({ initialMs: 5, maxMs: 50, jitter: false });
    assert.equal(backoff.next(30), 30);
    assert.equal(backoff.next(1_000), 50);
  });
});
