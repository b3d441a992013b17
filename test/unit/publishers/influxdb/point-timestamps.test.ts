import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Counter } from '../../../../src/metrics/counter.js';
import { Metrics } from '../../../../src/metrics/metrics.js';
import {
  messageContentKey,
  PointTimestamps,
  timestampResolutionNs,
} from '../../../../src/publishers/influxdb/point-timestamps.js';

const T = 1_704_164_645_123_456n;

function message(value: number, serializedAt?: string, format?: string): Metrics {
  return new Metrics([], [new Counter('requests', T, {}, value)], [], format, serializedAt);
}

describe('PointTimestamps', () => {
  test('keeps the microsecond and adds digits that depend only on the content', () => {
    const a = new PointTimestamps(message(1, '2024-01-02T03:04:05.000001Z')).at(T, 0);
    assert.equal(a / 1000n, T);
    assert.equal(new PointTimestamps(message(1, '2024-01-02T03:04:05.000001Z')).at(T, 0), a);
    assert.notEqual(new PointTimestamps(message(1, '2024-01-02T03:04:05.000002Z')).at(T, 0), a);
  });

  test('the format sets the free digits: seconds leave nine of them', () => {
    assert.equal(timestampResolutionNs('%Y-%m-%dT%H:%M:%S.%fZ'), 1_000n);
    assert.equal(timestampResolutionNs('%Y-%m-%d %H:%M:%S'), 1_000_000_000n);
    assert.equal(timestampResolutionNs('%Y-%m-%d %H:%M'), 60_000_000_000n);
    assert.equal(timestampResolutionNs('%Y-%m-%d'), 86_400_000_000_000n);
    assert.equal(timestampResolutionNs('%Y %%f %S'), 1_000_000_000n);
    const seconds = 1_704_164_645_000_000n;
    const ns = new PointTimestamps(message(1, '2024-01-02 03:04:05', '%Y-%m-%d %H:%M:%S')).at(seconds, 0);
    assert.equal(ns / 1_000_000_000n, seconds / 1_000_000n);
  });

  test('content keys are equal exactly for equal content', () => {
    assert.equal(messageContentKey(message(1, 'x')), messageContentKey(message(1, 'x')));
    assert.notEqual(messageContentKey(message(1, 'x')), messageContentKey(message(2, 'x')));
    assert.notEqual(messageContentKey(message(1, 'x')), messageContentKey(message(1, 'y')));
    assert.notEqual(messageContentKey(message(1)), messageContentKey(message(1, 'null')));
  });

  test('different messages at one microsecond share a timestamp about 1 time in 1000', () => {
    // The residual cross-process rate: two processes' metrics of one series coincide on
    // a microsecond, and their messages' bases are equal.
    const trials = 200_000;
    let same = 0;
    for (let i = 0; i < trials; i += 1) {
      const a = new PointTimestamps(message(1, `a${i}`)).at(T, 0);
      const b = new PointTimestamps(message(1, `b${i}`)).at(T, 0);
      if (a === b) same += 1;
    }
    const rate = same / trials;
    assert.ok(rate > 0.0007 && rate < 0.0013, `measured ${rate}`);
  });
});
