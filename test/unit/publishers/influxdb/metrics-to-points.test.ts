import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Counter } from '../../../../src/metrics/counter.js';
import { Dimension } from '../../../../src/metrics/dimension.js';
import { Metrics } from '../../../../src/metrics/metrics.js';
import { Timer } from '../../../../src/metrics/timer.js';
import { Units } from '../../../../src/metrics/unit.js';
import { decodeMetrics } from '../../../../src/wire/codec.js';
import { readFixture } from '../../../support/fixtures.js';
import { metricsToPoints } from '../../../support/influx-oracle/metrics-to-points.js';

const T = 1_704_164_645_123_456n;

describe('metricsToPoints, the reference points', () => {
  test('one point per timer then per counter; tags sorted; value/unit win over metadata', () => {
    const metrics = new Metrics(
      [new Dimension('z', '1'), new Dimension('a', '2'), new Dimension('z', '3')],
      [new Counter('myCount', T, { value: 'meta', unit: 'kept', note: 'n' }, 2)],
      [new Timer('myCount', T, { value: 'meta', unit: 'meta', b: 'x' }, 1.5, Units.MILLISECONDS)],
    );
    const points = metricsToPoints(metrics);
    assert.equal(points.length, 2);
    const [timer, counter] = points;
    assert.deepEqual(timer?.tags, [['a', '2'], ['z', '3']]);
    assert.deepEqual(timer?.fields, [['b', 'x'], ['unit', 'milliseconds'], ['value', 1.5]]);
    assert.deepEqual(counter?.fields, [['note', 'n'], ['unit', 'kept'], ['value', 2]]);
    assert.equal(timer?.measurement, 'myCount');
    // Same name, same microsecond: still two points.
    assert.notEqual(timer?.timestampNs, counter?.timestampNs);
    assert.equal((timer?.timestampNs ?? 0n) / 1000n, T);
    assert.equal((counter?.timestampNs ?? 0n) / 1000n, T);
  });

  test('an empty message has no points', () => {
    assert.deepEqual(metricsToPoints(decodeMetrics(readFixture('empty.json'))), []);
  });

  test('republishing gives exactly the same points; a decoded copy too', () => {
    const raw = readFixture('special_chars.json');
    assert.deepEqual(metricsToPoints(decodeMetrics(raw)), metricsToPoints(decodeMetrics(raw)));
    // Same content in another valid encoding (compact separators, other key order).
    const o = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    const { dimensions, counters, timers, timestamp_format, serialized_at } = o;
    const reordered = JSON.stringify({ serialized_at, timestamp_format, timers, counters, dimensions });
    assert.deepEqual(metricsToPoints(decodeMetrics(reordered)), metricsToPoints(decodeMetrics(raw)));
  });

  test('all metrics of a message at one microsecond get distinct nanoseconds (under 1000 metrics)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999 }), fc.string(), (count, salt) => {
        const counters = Array.from({ length: count }, (_, i) => new Counter(`c${i}`, T, {}, 1));
        const points = metricsToPoints(new Metrics([new Dimension('salt', salt)], counters, []));
        assert.equal(new Set(points.map((p) => p.timestampNs)).size, count);
        for (const p of points) assert.equal(p.timestampNs / 1000n, T);
      }),
      { numRuns: 50 },
    );
  });
});
