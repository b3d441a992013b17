import type { Metadata } from './metadata.js';
import { readValueMetric, ValueMetric } from './value-metric.js';

/**
 * The metadata entry that marks a gauge where it travels as a counter: on the Redis list
 * channel (shared with Python Kadabra 0.5.0 agents, which know only counters and timers)
 * a gauge is a counter whose metadata ends with `"kadabra_kind": "gauge"`. The original
 * re-encodes such a counter byte for byte, and publishes it to InfluxDB as the same point
 * this agent writes for a gauge: the string field `kadabra_kind="gauge"` is the InfluxDB
 * marker of every gauge, whichever agent wrote it. Collectors refuse this key in metadata.
 */
export const GAUGE_MARKER = Object.freeze({ key: 'kadabra_kind', value: 'gauge' } as const);

/**
 * A gauge metric: a value that is set, not summed (a queue's length, memory in use). The
 * last value set in a collector wins, with the time it was set. Publishers keep each one
 * as it is; a reader folding several gauges of one series takes the latest timestamp.
 * Its `metadata` never holds the `GAUGE_MARKER` key.
 */
export class Gauge extends ValueMetric {
  /**
   * Deserializes a dictionary of a message's `gauges` array (the form of channels no
   * Python agent reads); metadata is read as a counter's is, and a `GAUGE_MARKER` key in
   * it is dropped.
   *
   * @throws WireFormatError naming the path of a missing or mistyped key or an unparseable timestamp.
   */
  static deserialize(value: unknown, timestampFormat: string, path = 'gauge'): Gauge {
    const fields = readValueMetric(value, timestampFormat, path);
    return new Gauge(fields.name, fields.timestamp, withoutMarker(fields.metadata), fields.value);
  }
}

/** Whether a counter's metadata marks it as a gauge carried as a counter. */
export function marksGauge(metadata: Metadata): boolean {
  return metadata[GAUGE_MARKER.key] === GAUGE_MARKER.value && Object.hasOwn(metadata, GAUGE_MARKER.key);
}

/** `metadata` without the `GAUGE_MARKER` key (itself when it has none). */
export function withoutMarker(metadata: Metadata): Metadata {
  if (!Object.hasOwn(metadata, GAUGE_MARKER.key)) return metadata;
  const rest: Record<string, string> = {};
  for (const key of Object.keys(metadata)) {
    if (key === GAUGE_MARKER.key) continue;
    // A `__proto__` key must stay an own property, not become the prototype.
    Object.defineProperty(rest, key, { value: metadata[key], enumerable: true, writable: true, configurable: true });
  }
  return Object.freeze(rest);
}
