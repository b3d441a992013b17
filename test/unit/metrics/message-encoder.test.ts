import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InvalidArgumentError } from '../../../src/errors/invalid-argument-error.js';
import { Counter } from '../../../src/metrics/counter.js';
import type { Metadata } from '../../../src/metrics/metadata.js';
import { Dimension } from '../../../src/metrics/dimension.js';
import { MessageEncoder } from '../../../src/metrics/message-encoder.js';
import { DEFAULT_TIMESTAMP_FORMAT, Metrics } from '../../../src/metrics/metrics.js';
import { Timer } from '../../../src/metrics/timer.js';
import { Unit, Units } from '../../../src/metrics/unit.js';
import { encodeMetrics } from '../../../src/metrics/wire-codec.js';
import { WireWriter } from '../../../src/metrics/wire-writer.js';
import { anyFiniteDouble, anyMessage, anyString, anyTimestamp, buildMessage } from './arbitraries.js';

const T = 1_704_164_645_123_456n;

/** Another message of the same shape: same names, keys, units and format; other values. */
const anyVariant = fc.record({
  values: fc.array(anyFiniteDouble, { minLength: 8, maxLength: 8 }),
  timestamps: fc.array(anyTimestamp, { minLength: 9, maxLength: 9 }),
  strings: fc.array(anyString, { minLength: 8, maxLength: 8 }),
});
type Variant = typeof anyVariant extends fc.Arbitrary<infer V> ? V : never;

function variantOf(m: Metrics, v: Variant, serializedAt: string | undefined): Metrics {
  let s = 0;
  const text = (): string => v.strings[s++ % v.strings.length] as string;
  const metadata = (md: Metadata): Metadata => Object.fromEntries(Object.keys(md).map((k) => [k, text()]));
  return new Metrics(
    m.dimensions.map((d) => new Dimension(d.name, text())),
    m.counters.map((c, i) => new Counter(c.name, v.timestamps[i % 9] as bigint, metadata(c.metadata), v.values[i % 8] as number)),
    m.timers.map((t, i) => new Timer(t.name, v.timestamps[(i + 4) % 9] as bigint, metadata(t.metadata), v.values[(i + 4) % 8] as number, t.unit)),
    m.timestampFormat,
    serializedAt,
  );
}

describe('MessageEncoder', () => {
  test('every message is exactly encodeMetrics of it: shapes repeated, interleaved, evicted and new', () => {
    fc.assert(
      fc.property(
        fc.array(anyMessage, { minLength: 1, maxLength: 12 }),
        fc.array(fc.tuple(fc.nat(), anyVariant), { minLength: 1, maxLength: 60 }),
        (specs, sequence) => {
          const shapes = specs.map(buildMessage);
          const encoder = new MessageEncoder(new WireWriter(256));
          const sent: Array<[Buffer, string]> = [];
          for (const [which, variant] of sequence) {
            const m = variantOf(shapes[which % shapes.length] as Metrics, variant, `at ${sent.length}`);
            sent.push([encoder.encode(m), encodeMetrics(m)]);
          }
          // Compared at the end: earlier views must not have been overwritten meanwhile.
          for (const [bytes, text] of sent) assert.equal(bytes.toString('latin1'), text);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('shapes that differ in one fixed part only are each encoded as they are', () => {
    const encoder = new MessageEncoder();
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
      for (const m of variants) assert.equal(encoder.encode(m).toString('latin1'), encodeMetrics(m));
    }
  });

  test('a message that cannot be encoded leaves no bytes behind, with or without a template', () => {
    const encoder = new MessageEncoder(new WireWriter(64));
    const message = (value: number): Metrics =>
      new Metrics([new Dimension('d', 'v')], [new Counter('c', T, { k: 'v' }, value)], [], DEFAULT_TIMESTAMP_FORMAT, 'x');
    const first = encoder.encode(message(1));
    assert.throws(() => encoder.encode(message(Number.NaN)), InvalidArgumentError);
    const second = encoder.encode(message(2));
    assert.throws(() => encoder.encode(new Metrics([], [], [], '%Q')), InvalidArgumentError);
    assert.equal(first.toString('latin1'), encodeMetrics(message(1)));
    assert.equal(second.toString('latin1'), encodeMetrics(message(2)));
  });

  test('serialized_at is stamped now, message by message, from a template too', () => {
    const encoder = new MessageEncoder();
    const message = new Metrics([new Dimension('d', 'v')], [new Counter('c', T, {}, 1)], [], DEFAULT_TIMESTAMP_FORMAT);
    const without = (json: string): unknown => ({ ...(JSON.parse(json) as object), serialized_at: null });
    const stamps: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const bytes = encoder.encode(message).toString('latin1');
      assert.deepEqual(without(bytes), without(encodeMetrics(message)));
      stamps.push((JSON.parse(bytes) as { serialized_at: string }).serialized_at);
    }
    assert.deepEqual([...stamps].sort(), stamps);
    assert.equal(new Set(stamps).size, stamps.length, 'strictly increasing');
  });

  test('an application whose messages never repeat a shape still gets exact bytes', () => {
    const encoder = new MessageEncoder();
    for (let i = 0; i < 200; i += 1) {
      const m = new Metrics([], [new Counter(`c${i}`, T, {}, i)], [], DEFAULT_TIMESTAMP_FORMAT, 'x');
      assert.equal(encoder.encode(m).toString('latin1'), encodeMetrics(m));
    }
  });
});
