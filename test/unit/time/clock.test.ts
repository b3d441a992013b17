import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../../../src/errors/invalid-argument-error.js';
import { MAX_TIMESTAMP_MICROS, nowMicros, nowMicrosNumber, toMicros } from '../../../src/time/clock.js';

describe('nowMicros', () => {
  test('is strictly increasing across 100k calls', () => {
    let last = nowMicros();
    for (let i = 0; i < 100_000; i += 1) {
      const next = nowMicros();
      assert.ok(next > last, `${next} after ${last}`);
      last = next;
    }
  });

  test('agrees with Date.now() to the millisecond and has sub-millisecond resolution', async () => {
    // A burst of more than one call per µs (as above) runs ahead of real time by up to
    // the burst's length in µs; let real time catch up first.
    await new Promise((resolve) => setTimeout(resolve, 150));
    const before = BigInt(Date.now()) * 1000n;
    const now = nowMicros();
    const after = BigInt(Date.now()) * 1000n + 999n;
    assert.ok(now >= before && now <= after, `${now} not in [${before}, ${after}]`);
    const remainders = new Set<number>();
    for (let i = 0; i < 1000; i += 1) remainders.add(nowMicrosNumber() % 1000);
    assert.ok(remainders.size > 10, 'microseconds within the millisecond vary');
  });

  test('follows a wall-clock step forward within a millisecond of monotonic time', () => {
    const realNow = Date.now;
    try {
      nowMicros();
      Date.now = () => realNow() + 50;
      const start = performance.now();
      while (performance.now() - start < 2) {
        // Past the millisecond within which the wall clock is not read again.
      }
      const stepped = nowMicros();
      assert.ok(stepped >= BigInt(Date.now()) * 1000n, `${stepped} behind the stepped wall clock`);
    } finally {
      Date.now = realNow;
    }
  });

  test('keeps increasing when the wall clock steps back', () => {
    const realNow = Date.now;
    let wallReads = 0;
    try {
      const first = nowMicros();
      Date.now = () => {
        wallReads += 1;
        return realNow() - 60_000;
      };
      const results: bigint[] = [];
      const start = performance.now();
      while (performance.now() - start < 5) {
        // Past the millisecond within which the wall clock is not read again, several times.
        results.push(nowMicros());
      }
      assert.ok(wallReads > 0, 'the stepped-back wall clock was read');
      let last = first;
      for (const next of results) {
        assert.ok(next > last, `${next} after ${last}: went back with the wall clock`);
        last = next;
      }
    } finally {
      Date.now = realNow;
    }
  });
});

describe('toMicros', () => {
  test('converts Dates (ms precision) and passes bigints through', () => {
    assert.equal(toMicros(new Date('2024-01-02T03:04:05.123Z')), 1_704_164_645_123_000n);
    assert.equal(toMicros(new Date(0)), 0n);
    assert.equal(toMicros(1_704_164_645_123_456n), 1_704_164_645_123_456n);
    assert.equal(toMicros(MAX_TIMESTAMP_MICROS), MAX_TIMESTAMP_MICROS);
  });

  test('rejects invalid, out-of-range and mistyped values, naming them', () => {
    const bad: Array<[unknown, RegExp]> = [
      [new Date(Number.NaN), /invalid Date/],
      [-1n, /-1n.*outside/],
      [MAX_TIMESTAMP_MICROS + 1n, /253402300800000000n/],
      [new Date('1969-12-31T23:59:59.999Z'), /1969-12-31T23:59:59\.999Z/],
      [1_700_000_000_000, /1700000000000.*BigInt/],
      ['2024-01-02', /"2024-01-02"/],
      [null, /null/],
    ];
    for (const [value, message] of bad) {
      assert.throws(() => toMicros(value as bigint), (e: unknown) => e instanceof InvalidArgumentError && message.test(e.message));
    }
  });
});
