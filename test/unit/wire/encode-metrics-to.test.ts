import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InvalidArgumentError } from '../../../src/errors/invalid-argument-error.js';
import { Counter } from '../../../src/metrics/counter.js';
import type { Metadata } from '../../../src/metrics/metadata.js';
import { Dimension } from '../../../src/metrics/dimension.js';
import { DEFAULT_TIMESTAMP_FORMAT, Metrics } from '../../../src/metrics/metrics.js';
import { Timer } from '../../../src/metrics/timer.js';
import { Unit, Units } from '../../../src/metrics/unit.js';
import { encodeMetrics, encodeMetricsTo } from '../../../src/wire/codec.js';
import { WireWriter } from '../../../src/wire/writer.js';
import { anyMessage, buildMessage } from '../metrics/arbitraries.js';
import { pyDumps } from './py-dumps.js';

const T = 1_704_164_645_123_456n;

/** `m` with `serialized_at` set, so that its bytes can be told in advance. */
function stamped(m: Metrics, serializedAt: string): Metrics {
  return new Metrics(m.dimensions, m.counters, m.timers, m.timestampFormat, serializedAt, m.gauges);
}

describe('encodeMetricsTo (what Kadabra.send() does)', () => {
  test('each message is json.dumps of serialize(), and its view keeps its bytes while later ones fill new slabs', () => {
    fc.assert(
      fc.property(fc.array(anyMessage, { minLength: 1, maxLength: 40 }), (specs) => {
        const writer = new WireWriter(256);
        const sent = specs.map((spec, i) => {
          const m = stamped(buildMessage(spec), `at ${i}`);
          return [encodeMetricsTo(writer, m), pyDumps(m.serialize())] as const;
        });
        // Compared at the end: earlier views must not have been overwritten meanwhile.
        for (const [bytes, text] of sent) assert.equal(bytes.toString('latin1'), text);
      }),
      { numRuns: 300 },
    );
  });

  test('messages that differ in one name, key, unit or format only are each encoded as they are', () => {
    const writer = new WireWriter();
    const counter = (name: string, metadata: Metadata): Counter => new Counter(name, T, metadata, 1);
    const timer = (unit: Unit): Timer => new Timer('t', T, {}, 1.5, unit);
    const message = (c: Counter, t: Timer, format = DEFAULT_TIMESTAMP_FORMAT, dimension = 'd'): Metrics =>
      new Metrics([new Dimension(dimension, 'v')], [c], [t], format, 'x');
    const variants = [
      message(counter('c', { a: '1', b: '2' }), timer(Units.SECONDS)),
      message(counter('c', { b: '2', a: '1' }), timer(Units.SECONDS)),
      message(counter('c', { a: '1' }), timer(Units.SECONDS)),
      message(counter('c', { a: '1', c: '2' }), timer(Units.SECONDS)),
      message(counter('C', { a: '1', b: '2' }), timer(Units.SECONDS)),
      message(counter('c', { a: '1', b: '2' }), timer(new Unit('seconds', 1))),
      message(counter('c', { a: '1', b: '2' }), timer(new Unit('seconds', 2))),
      message(counter('c', { a: '1', b: '2' }), timer(Units.SECONDS), '%Y'),
      message(counter('c', { a: '1', b: '2' }), timer(Units.SECONDS), DEFAULT_TIMESTAMP_FORMAT, 'e'),
      message(counter('c', {}), timer(Units.SECONDS)),
    ];
    for (let round = 0; round < 3; round += 1) {
      for (const m of variants) assert.equal(encodeMetricsTo(writer, m).toString('latin1'), pyDumps(m.serialize()));
    }
  });

  test('more timestamp formats, taken in turn, than are remembered', () => {
    const writer = new WireWriter();
    for (let round = 0; round < 2; round += 1) {
      for (let i = 0; i < 100; i += 1) {
        const m = new Metrics([], [new Counter('c', T, {}, i)], [], `%Y-%m-%d ${i}`, 'x');
        assert.equal(encodeMetricsTo(writer, m).toString('latin1'), pyDumps(m.serialize()));
      }
    }
  });

  test('a message that cannot be encoded leaves no bytes behind', () => {
    const writer = new WireWriter(64);
    const message = (value: number): Metrics =>
      new Metrics([new Dimension('d', 'v')], [new Counter('c', T, { k: 'v' }, value)], [], DEFAULT_TIMESTAMP_FORMAT, 'x');
    const first = encodeMetricsTo(writer, message(1));
    assert.throws(() => encodeMetricsTo(writer, message(Number.NaN)), InvalidArgumentError);
    const second = encodeMetricsTo(writer, message(2));
    assert.throws(() => encodeMetricsTo(writer, new Metrics([], [], [], '%Q')), InvalidArgumentError);
    assert.equal(first.toString('latin1'), encodeMetrics(message(1)));
    assert.equal(second.toString('latin1'), encodeMetrics(message(2)));
  });

  test('serialized_at is stamped now, message by message', () => {
    const writer = new WireWriter();
    const message = new Metrics([new Dimension('d', 'v')], [new Counter('c', T, {}, 1)], [], DEFAULT_TIMESTAMP_FORMAT);
    const without = (json: string): unknown => ({ ...(JSON.parse(json) as object), serialized_at: null });
    const stamps: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const bytes = encodeMetricsTo(writer, message).toString('latin1');
      assert.deepEqual(without(bytes), without(encodeMetrics(message)));
      stamps.push((JSON.parse(bytes) as { serialized_at: string }).serialized_at);
    }
    assert.deepEqual([...stamps].sort(), stamps);
    assert.equal(new Set(stamps).size, stamps.length, 'strictly increasing');
  });
});
