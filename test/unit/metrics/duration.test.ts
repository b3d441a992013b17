import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { millisecondsToMicros, nanosToMicros } from '../../../src/metrics/duration.js';

// Expected values from Python 3.11: timedelta(milliseconds=x); python-parity.test checks
// thousands more against a live python3.

describe('millisecondsToMicros', () => {
  const cases: Array<[number, number]> = [
    [0, 0],
    [-0, 0],
    [1, 1000],
    [123.456, 123_456],
    [0.007, 7],
    [1.005, 1005],
    [0.009, 9],
    [0.021, 21],
    [16.6665, 16_666],
    [16.6675, 16_668],
    [0.0005, 0],
    [0.0015, 2],
    [0.0025, 2],
    [2000.0005, 2_000_001],
    [86_403_000, 86_403_000_000],
  ];
  for (const [ms, micros] of cases) {
    test(`${ms} ms -> ${micros} µs`, () => assert.equal(millisecondsToMicros(ms), micros));
  }

  test('whole microseconds passed as ms come back exactly', () => {
    for (let us = 0; us < 200_000; us += 7) assert.equal(millisecondsToMicros(us / 1000), us);
    for (const us of [1e9 + 1, 1e12 - 1, 999_999_999_999]) assert.equal(millisecondsToMicros(us / 1000), us);
  });
});

describe('nanosToMicros', () => {
  test('rounds half to even', () => {
    assert.equal(nanosToMicros(0n), 0);
    assert.equal(nanosToMicros(499n), 0);
    assert.equal(nanosToMicros(500n), 0);
    assert.equal(nanosToMicros(501n), 1);
    assert.equal(nanosToMicros(1500n), 2);
    assert.equal(nanosToMicros(2500n), 2);
    assert.equal(nanosToMicros(1_500_500n), 1500);
    assert.equal(nanosToMicros(1_501_500n), 1502);
  });
});
