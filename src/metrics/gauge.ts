import { compileTimestampFormat } from '../time/timestamp-format.js';
import { readMetadata, readNumber, readObject, readString, readTimestamp } from './read-serialized.js';
import type { SerializedGauge } from './serialized.js';
import { frozenMetadata, type Metadata } from './metadata.js';

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
 */
export class Gauge {
  /** The gauge's name. */
  readonly name: string;
  /** Microseconds since the Unix epoch, UTC. */
  readonly timestamp: bigint;
  /** Metadata for this gauge (never holds the `GAUGE_MARKER` key). */
  readonly metadata: Metadata;
  /** The value last set. */
  readonly value: number;

  constructor(name: string, timestamp: bigint, metadata: Metadata, value: number) {
    this.name = name;
    this.timestamp = timestamp;
    this.metadata = frozenMetadata(metadata);
    this.value = value;
    Object.freeze(this);
  }

  /**
   * Serializes this gauge to the dictionary of a message's `gauges` array (the form of
   * channels no Python agent reads).
   *
   * @param timestampFormat - strftime format for `timestamp`.
   * @returns `{ name, metadata, timestamp, value }`.
   */
  serialize(timestampFormat: string): SerializedGauge {
    return {
      name: this.name,
      metadata: { ...this.metadata },
      timestamp: compileTimestampFormat(timestampFormat).formatMicros(this.timestamp),
      value: this.value,
    };
  }

  /**
   * Deserializes a dictionary of a message's `gauges` array; metadata is read as a
   * counter's is, and a `GAUGE_MARKER` key in it is dropped.
   *
   * @throws WireFormatError naming the path of a missing or mistyped key or an unparseable timestamp.
   */
  static deserialize(value: unknown, timestampFormat: string, path = 'gauge'): Gauge {
    const obj = readObject(value, path);
    const name = readString(obj, 'name', path);
    const metadata = withoutMarker(readMetadata(obj, path));
    const timestamp = readTimestamp(obj, timestampFormat, path);
    return new Gauge(name, timestamp, metadata, readNumber(obj, 'value', path));
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
