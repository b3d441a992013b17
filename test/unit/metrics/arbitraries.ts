import fc from 'fast-check';
import { MetricsCollector } from '../../../src/client/metrics-collector.js';
import { MAX_TIMESTAMP_MICROS } from '../../../src/time/clock.js';
import type { Metrics } from '../../../src/metrics/metrics.js';
import { DEFAULT_TIMESTAMP_FORMAT } from '../../../src/metrics/metrics.js';
import { Units, type Unit } from '../../../src/metrics/unit.js';

/*
 * Shared fast-check arbitraries for wire tests: strings over all of UTF-16 (controls,
 * DEL, quotes, backslashes, BMP, astral pairs and lone surrogates) and whole messages
 * built through MetricsCollector (counters, timers and gauges).
 */

/** One UTF-16 "character": mostly printable ASCII, plus every awkward kind. */
export const anyChar: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), weight: 6 },
  { arbitrary: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), weight: 1 },
  { arbitrary: fc.constantFrom('"', '\\', '\x7f', '\u2028', '\ufeff', '\uffff', '/'), weight: 1 },
  { arbitrary: fc.integer({ min: 0x80, max: 0xffff }).map((c) => String.fromCharCode(c)), weight: 2 },
  { arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), weight: 1 },
  { arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)), weight: 1 },
);

/** Any string, possibly empty. */
export const anyString = fc.string({ unit: anyChar, maxLength: 12 });

/** Any non-empty string (metric and dimension names). */
export const anyName = fc.string({ unit: anyChar, minLength: 1, maxLength: 12 });

/** Any finite double, including -0, subnormals and the extremes. */
export const anyFiniteDouble = fc.double({ noNaN: true, noDefaultInfinity: true });

/** Timestamps from 1970 to 9999, weighted towards the present. */
export const anyTimestamp: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt({ min: 1_600_000_000_000_000n, max: 1_900_000_000_000_000n }),
  fc.bigInt({ min: 0n, max: MAX_TIMESTAMP_MICROS }),
);

/** Formats the Python client can round-trip through strftime/strptime. */
export const anyFormat = fc.constantFrom(
  DEFAULT_TIMESTAMP_FORMAT,
  DEFAULT_TIMESTAMP_FORMAT,
  '%Y-%m-%d %H:%M:%S',
  '%d/%b/%Y:%H:%M:%S.%f',
  '%Y%m%dT%H%M%S%f',
);

const anyMetadata = fc.option(fc.dictionary(anyString, anyString, { maxKeys: 3, noNullPrototype: true }), {
  nil: undefined,
});

/** A message's content, as the calls that build it. */
export interface MessageSpec {
  format: string;
  dimensions: Array<[string, string]>;
  counters: Array<{ name: string; value: number; timestamp: bigint; metadata: Record<string, string> | undefined }>;
  timers: Array<{
    name: string;
    micros: number;
    unit: Unit;
    timestamp: bigint;
    metadata: Record<string, string> | undefined;
  }>;
  gauges: Array<{ name: string; value: number; timestamp: bigint; metadata: Record<string, string> | undefined }>;
}

/** Random message content: full-unicode names and metadata, any double, whole-µs durations. */
export const anyMessage: fc.Arbitrary<MessageSpec> = fc.record({
  format: anyFormat,
  dimensions: fc.array(fc.tuple(anyName, anyString), { maxLength: 4 }),
  counters: fc.array(
    fc.record({ name: anyName, value: anyFiniteDouble, timestamp: anyTimestamp, metadata: anyMetadata }),
    { maxLength: 4 },
  ),
  timers: fc.array(
    fc.record({
      name: anyName,
      // Up to 11.5 days: beyond ~1e15 µs Python's own timedelta round trip is inexact.
      micros: fc.oneof(fc.integer({ min: 0, max: 2_000_000 }), fc.bigInt({ min: 0n, max: 10n ** 12n }).map(Number)),
      unit: fc.constantFrom(Units.SECONDS, Units.MILLISECONDS, Units.MICROSECONDS),
      timestamp: anyTimestamp,
      metadata: anyMetadata,
    }),
    { maxLength: 4 },
  ),
  gauges: fc.array(
    fc.record({ name: anyName, value: anyFiniteDouble, timestamp: anyTimestamp, metadata: anyMetadata }),
    { maxLength: 3 },
  ),
});

/**
 * Builds the message through the public collector API (durations passed in ms).
 * Repeated counter names are added into one counter; a sum that would overflow is skipped.
 */
export function buildMessage(spec: MessageSpec): Metrics {
  const collector = new MetricsCollector(spec.format);
  for (const [name, value] of spec.dimensions) collector.setDimension(name, value);
  const totals = new Map<string, number>();
  for (const c of spec.counters) {
    const total = (totals.get(c.name) ?? 0) + c.value;
    if (!Number.isFinite(total)) continue;
    totals.set(c.name, total);
    collector.addCount(c.name, c.value, { timestamp: c.timestamp, metadata: c.metadata });
  }
  for (const t of spec.timers) {
    collector.setTimer(t.name, t.micros / 1000, t.unit, { timestamp: t.timestamp, metadata: t.metadata });
  }
  for (const g of spec.gauges) collector.setGauge(g.name, g.value, { timestamp: g.timestamp, metadata: g.metadata });
  return collector.close();
}
