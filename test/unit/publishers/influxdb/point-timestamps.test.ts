import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Counter } from '../../../../src/metrics/counter.js';
import { Metrics } from '../../../../src/metrics/metrics.js';
import { messageContentKey } from '../../../../src/metrics/message-content-key.js';
import { leading48Bits, PointTimestamps, timestampResolutionNs } from '../../../../src/publishers/influxdb/point-timestamps.js';
import { referenceContentKey } from '../../../support/influx-oracle/point-timestamp.js';
import { anyMessage, anyString, buildMessage } from '../../metrics/arbitraries.js';

const T = 1_704_164_645_123_456n;

function message(value: number, serializedAt?: string, format?: string): Metrics {
  return new Metrics([], [new Counter('requests', T, {}, value)], [], format, serializedAt);
}

/** The nanoseconds of the metric at `place` of `metrics` whose timestamp is `micros`. */
function at(metrics: Metrics, micros: bigint, place: number): bigint {
  return BigInt(new PointTimestamps(metrics).text(micros, place));
}

describe('PointTimestamps', () => {
  test('keeps the microsecond and adds digits that depend only on the content', () => {
    const a = at(message(1, '2024-01-02T03:04:05.000001Z'), T, 0);
    assert.equal(a / 1000n, T);
    assert.equal(at(message(1, '2024-01-02T03:04:05.000001Z'), T, 0), a);
    assert.notEqual(at(message(1, '2024-01-02T03:04:05.000002Z'), T, 0), a);
  });

  test('the format sets the free digits: seconds leave nine of them', () => {
    assert.equal(timestampResolutionNs('%Y-%m-%dT%H:%M:%S.%fZ'), 1_000);
    assert.equal(timestampResolutionNs('%Y-%m-%d %H:%M:%S'), 1_000_000_000);
    assert.equal(timestampResolutionNs('%Y-%m-%d %H:%M'), 60_000_000_000);
    assert.equal(timestampResolutionNs('%Y-%m-%d'), 86_400_000_000_000);
    assert.equal(timestampResolutionNs('%Y %%f %S'), 1_000_000_000);
    const seconds = 1_704_164_645_000_000n;
    const ns = at(message(1, '2024-01-02 03:04:05', '%Y-%m-%d %H:%M:%S'), seconds, 0);
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
      const a = at(message(1, `a${i}`), T, 0);
      const b = at(message(1, `b${i}`), T, 0);
      if (a === b) same += 1;
    }
    const rate = same / trials;
    assert.ok(rate > 0.0007 && rate < 0.0013, `measured ${rate}`);
  });
});

describe('leading48Bits', () => {
  test('reads the first six bytes of a latin1 digest as a Buffer does (readUIntBE), whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 32 }), (bytes) => {
        const digest = Buffer.from(bytes);
        assert.equal(leading48Bits(digest.toString('latin1')), digest.readUIntBE(0, 6));
      }),
      { numRuns: 2000 },
    );
    assert.equal(leading48Bits('\xff'.repeat(6)), 2 ** 48 - 1);
  });
});

describe('messageContentKey', () => {
  // The key decides the digits below the microsecond of every stored point, so the fast
  // way of writing it must give exactly the JSON text the first version gave.
  const firstVersion = referenceContentKey;

  test('is the JSON text of the first version for any message', () => {
    fc.assert(
      fc.property(anyMessage, fc.option(anyString, { nil: undefined }), (spec, serializedAt) => {
        const built = buildMessage(spec);
        const metrics = new Metrics(built.dimensions, built.counters, built.timers, built.timestampFormat, serializedAt);
        assert.equal(messageContentKey(metrics), firstVersion(metrics));
      }),
      { numRuns: 400 },
    );
    const odd = new Metrics([], [new Counter('nan', T, {}, Number.NaN), new Counter('inf', T, { a: 'b' }, -Infinity), new Counter('z', T, {}, -0)], []);
    assert.equal(messageContentKey(odd), firstVersion(odd));
  });

  test('messages keep the digits the first version gave them', () => {
    // Pinned values of the first release: a change here would store a message republished
    // by a newer agent as new points beside the old ones.
    assert.equal(at(message(1, '2024-01-02T03:04:05.000001Z'), T, 0), 1_704_164_645_123_456_457n);
    assert.equal(at(message(2, '2024-01-02T03:04:05.000001Z'), T, 3), 1_704_164_645_123_456_144n);
    const seconds = message(1, '2024-01-02 03:04:05', '%Y-%m-%d %H:%M:%S');
    assert.equal(at(seconds, 1_704_164_645_000_000n, 1), 1_704_164_645_473_047_712n);
  });
});
