import { hash } from 'node:crypto';
import type { Metrics } from '../../../src/metrics/metrics.js';
import { timestampResolutionNs } from '../../../src/publishers/influxdb/point-timestamps.js';

/**
 * The content key of a message as its rule states it: the JSON text of everything in it
 * (gauges, when there are any, last).
 * `messageContentKey` writes the same text by hand, for speed.
 */
export function referenceContentKey(metrics: Metrics): string {
  const parts: unknown[] = [
    metrics.timestampFormat,
    metrics.serializedAt ?? null,
    metrics.dimensions.map((d) => [d.name, d.value]),
    metrics.timers.map((t) => [t.name, t.unit.name, t.unit.secondsOffset, String(t.timestamp), t.value, Object.entries(t.metadata)]),
    metrics.counters.map((c) => [c.name, String(c.timestamp), c.value, Object.entries(c.metadata)]),
  ];
  // Gauges only when there are any: the key of a message without them is unchanged.
  if (metrics.gauges.length > 0) parts.push(metrics.gauges.map((g) => [g.name, String(g.timestamp), g.value, Object.entries(g.metadata)]));
  return JSON.stringify(parts);
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/**
 * The timestamp rule in BigInt arithmetic, as stated (see `PointTimestamps`): the
 * metric's time in nanoseconds floored to the format's resolution, plus
 * `(base + place) mod resolution`, `base` the first 48 bits of the SHA-256 of the
 * message's content key.
 */
export function referenceTimestampNs(metrics: Metrics, micros: bigint, place: number): bigint {
  const resolution = BigInt(timestampResolutionNs(metrics.timestampFormat));
  const base = BigInt(hash('sha256', referenceContentKey(metrics), 'buffer').readUIntBE(0, 6)) % resolution;
  return floorDiv(micros * 1000n, resolution) * resolution + ((base + BigInt(place)) % resolution);
}
