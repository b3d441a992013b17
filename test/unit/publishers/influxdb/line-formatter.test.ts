// LineFormatter is the agent's path to line protocol; the reference points of
// test/support/influx-oracle, written as line protocol, are what it must match byte for
// byte, for any message.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Counter } from '../../../../src/metrics/counter.js';
import { Dimension } from '../../../../src/metrics/dimension.js';
import { Metrics } from '../../../../src/metrics/metrics.js';
import { Timer } from '../../../../src/metrics/timer.js';
import { Gauge } from '../../../../src/metrics/gauge.js';
import { Units } from '../../../../src/metrics/unit.js';
import { compareCodePoints } from '../../../../src/publishers/influxdb/compare-code-points.js';
import { LineFormatter } from '../../../../src/publishers/influxdb/line-formatter.js';
import { PointTimestamps } from '../../../../src/publishers/influxdb/point-timestamps.js';
import { formatLine } from '../../../support/influx-oracle/line-protocol.js';
import { metricsToPoints } from '../../../support/influx-oracle/metrics-to-points.js';
import { referenceTimestampNs } from '../../../support/influx-oracle/point-timestamp.js';
import { anyMessage, anyName, anyString, buildMessage } from '../../metrics/arbitraries.js';

function reference(metrics: Metrics, rawNewlines: boolean): string[] {
  return metricsToPoints(metrics, { rawNewlines }).map(formatLine);
}

const T = 1_704_164_645_123_456n;

describe('LineFormatter', () => {
  test('writes the reference lines for any message, in both newline modes, with warm caches', () => {
    const formatters = { raw: new LineFormatter(true), replaced: new LineFormatter(false) };
    fc.assert(
      fc.property(anyMessage, (spec) => {
        const metrics = buildMessage(spec);
        // Twice: the second call reads the cached measurements and tag sets.
        for (let i = 0; i < 2; i += 1) {
          assert.deepEqual(formatters.raw.format(metrics), { lines: reference(metrics, true), unstorable: undefined });
          assert.deepEqual(formatters.replaced.format(metrics).lines, reference(metrics, false));
        }
      }),
      { numRuns: 400 },
    );
  });

  test('metadata named value, unit or time, repeated dimensions and awkward names match the reference', () => {
    const metrics = new Metrics(
      [new Dimension('z', 'a b'), new Dimension('\u{1F600}', 'x'), new Dimension('\uE000', 'y'), new Dimension('z', '3\\')],
      [new Counter('c,1', T, { value: 'meta', unit: 'kept', time: 't', '': 'empty' }, 2), new Counter('#c', 0n, {}, -0)],
      [new Timer('t 1', T, { value: 'x', b: 'say "hi"\n' }, 1.5, Units.MILLISECONDS), new Timer('t', -5n, {}, 1e21, Units.SECONDS)],
    );
    const formatter = new LineFormatter(true);
    assert.deepEqual(formatter.format(metrics).lines, reference(metrics, true));
    assert.deepEqual(new LineFormatter(false).format(metrics).lines, reference(metrics, false));
  });

  test('a gauge is a point with the string field kadabra_kind="gauge", which wins over metadata of that name', () => {
    const metrics = new Metrics([new Dimension('host', 'a')], [new Counter('queue', T, {}, 1)], [], undefined, undefined, [
      new Gauge('queue', T, {}, 3),
      new Gauge('free', T, { kadabra_kind: 'other', value: 'meta', zone: 'z' }, -0.5),
    ]);
    const lines = new LineFormatter(true).format(metrics).lines.map((line) => line.replace(/ \d+$/, ''));
    assert.deepEqual(lines, [
      'queue,host=a value=1',
      'queue,host=a kadabra_kind="gauge",value=3',
      'free,host=a kadabra_kind="gauge",value=-0.5,zone="z"',
    ]);
    assert.deepEqual(new LineFormatter(false).format(metrics).lines, reference(metrics, false));
  });

  test('different dimension lists never share a cached tag set', () => {
    const formatter = new LineFormatter(true);
    const lines = (dimensions: Dimension[]): string =>
      formatter.format(new Metrics(dimensions, [new Counter('c', T, {}, 1)], [])).lines[0] ?? '';
    // Without length prefixes these two would build the same cache key.
    const a = lines([new Dimension('a1:b', 'c')]);
    const b = lines([new Dimension('a', 'b1:c')]);
    assert.notEqual(a.split(' ')[0], b.split(' ')[0]);
    assert.equal(a.split(' ')[0], 'c,a1:b=c');
    assert.equal(b.split(' ')[0], 'c,a=b1:c');
  });

  test('stays correct past its cache limit', () => {
    const formatter = new LineFormatter(true);
    for (let i = 0; i < 25_000; i += 1) {
      const metrics = new Metrics([new Dimension('host', `h${i}`)], [new Counter(`m${i % 12_000}`, T, {}, i)], []);
      const [line] = formatter.format(metrics).lines;
      assert.ok(line?.startsWith(`m${i % 12_000},host=h${i} value=${i} `), line);
    }
  });
});

describe('PointTimestamps.text', () => {
  test('is the reference timestamp for any time and format, including 0 and before 1970', () => {
    const formats = ['%Y-%m-%dT%H:%M:%S.%fZ', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y%m%d'];
    fc.assert(
      fc.property(
        fc.constantFrom(...formats),
        fc.oneof(fc.constantFrom(0n, 1n, -1n, 999n, 1000n), fc.bigInt({ min: -62_135_596_800_000_000n, max: 253_402_300_799_999_999n })),
        fc.integer({ min: 0, max: 2000 }),
        anyString,
        (format, micros, place, salt) => {
          const metrics = new Metrics([new Dimension('s', salt)], [], [], format);
          assert.equal(new PointTimestamps(metrics).text(micros, place), String(referenceTimestampNs(metrics, micros, place)));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('compareCodePoints', () => {
  test('orders as the UTF-8 bytes do, surrogate pairs after U+E000..U+FFFF', () => {
    const wellFormed = fc.string({ unit: fc.oneof(fc.constantFrom('a', 'b', '\uE000', '\uFFFF', '\u0800', '\u{10000}', '\u{1F600}'), anyName) })
      .filter((s) => Buffer.from(s).toString() === s);
    fc.assert(
      fc.property(wellFormed, wellFormed, (a, b) => {
        assert.equal(Math.sign(compareCodePoints(a, b)), Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
      { numRuns: 2000 },
    );
    assert.ok(compareCodePoints('\uFFFF', '\u{10000}') < 0);
    assert.ok(compareCodePoints('ab', 'abc') < 0);
    assert.equal(compareCodePoints('same', 'same'), 0);
  });
});
