import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ring } from '../../../../../src/agent/monitoring/status/ring.js';

describe('Ring', () => {
  it('holds items oldest first until full, then drops the oldest for each new one', () => {
    const ring = new Ring<number>(3);
    assert.deepEqual(ring.toArray(), []);
    assert.equal(ring.newest(), undefined);
    ring.push(1);
    ring.push(2);
    assert.deepEqual(ring.toArray(), [1, 2]);
    assert.equal(ring.size, 2);
    for (const n of [3, 4, 5]) ring.push(n);
    assert.deepEqual(ring.toArray(), [3, 4, 5]);
    assert.equal(ring.size, 3);
    assert.equal(ring.newest(), 5);
  });

  it('keeps exactly the last `capacity` items however many were pushed (wrapping many times)', () => {
    for (const capacity of [1, 2, 7, 720]) {
      const ring = new Ring<number>(capacity);
      const pushed = 3 * capacity + 2;
      for (let n = 0; n < pushed; n += 1) ring.push(n);
      const expected = Array.from({ length: capacity }, (_, i) => pushed - capacity + i);
      assert.deepEqual(ring.toArray(), expected, `capacity ${capacity}`);
      assert.equal(ring.newest(), pushed - 1);
    }
  });

  it('refuses a capacity that is not a positive integer, naming it', () => {
    for (const capacity of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => new Ring(capacity), new RegExp(`positive integer, got ${capacity}`));
    }
  });
});
