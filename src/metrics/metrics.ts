import { WireFormatError } from '../errors/wire-format-error.js';
import { serializationMicros } from '../time/clock.js';
import { Counter } from './counter.js';
import { DEFAULT_TIMESTAMP_FORMAT } from '../time/default-timestamp.js';
import { describeValue } from '../errors/describe-value.js';
import { Dimension } from './dimension.js';
import { Gauge, GAUGE_MARKER, marksGauge, withoutMarker } from './gauge.js';
import { DEFAULT_WIRE_DIALECT, type WireDialect } from './wire-dialect.js';
import { Timer } from './timer.js';
import { compileTimestampFormat, type TimestampCodec } from '../time/timestamp-format.js';
import { readArray, readObject, readString } from './read-serialized.js';
import type { SerializedMetrics } from './serialized.js';

export { DEFAULT_TIMESTAMP_FORMAT };

const NO_GAUGES: readonly Gauge[] = Object.freeze([]);

/** An array that cannot change any more: `items` itself when already frozen, otherwise a frozen copy. */
function frozen<T>(items: readonly T[]): readonly T[] {
  return Object.isFrozen(items) ? items : Object.freeze([...items]);
}

/**
 * An immutable set of metrics, as transported over a channel and published by the agent.
 * Built by `MetricsCollector.close()` or decoded from the wire.
 */
export class Metrics {
  /** Dimensions shared by every counter, timer and gauge, in first-insertion order. */
  readonly dimensions: readonly Dimension[];
  /** Counters, in first-insertion order. */
  readonly counters: readonly Counter[];
  /** Timers, in first-insertion order. */
  readonly timers: readonly Timer[];
  /** Gauges, in first-insertion order (empty for a message of the original's shapes only). */
  readonly gauges: readonly Gauge[];
  /** strftime-style format of the timestamps on the wire. */
  readonly timestampFormat: string;
  /** When the message was serialized (as formatted on the wire), if it was. */
  readonly serializedAt: string | undefined;

  constructor(
    dimensions: readonly Dimension[],
    counters: readonly Counter[],
    timers: readonly Timer[],
    timestampFormat: string = DEFAULT_TIMESTAMP_FORMAT,
    serializedAt?: string,
    gauges: readonly Gauge[] = NO_GAUGES,
  ) {
    this.dimensions = frozen(dimensions);
    this.counters = frozen(counters);
    this.timers = frozen(timers);
    this.gauges = frozen(gauges);
    this.timestampFormat = timestampFormat;
    this.serializedAt = serializedAt;
    Object.freeze(this);
  }

  /**
   * Serializes these metrics to the wire's dictionary, as the Python original does:
   * `serialized_at` is `serializedAt` when set, otherwise the current time (UTC)
   * formatted with `timestampFormat`. `JSON.stringify` of the result is valid but not
   * byte-identical to the Python client's encoding; use `encodeMetrics` for the wire.
   *
   * Gauges are written as `dialect` says (see `WireDialect`): by default (`'python'`)
   * as counters whose metadata ends with `GAUGE_MARKER`, after the counters; with
   * `'extended'`, when there are any, in a `gauges` array after `timers`. So
   * `encodeMetrics(m, dialect)` is Python's `json.dumps(m.serialize(dialect))`.
   *
   * @returns `{ dimensions, counters, timers, [gauges,] timestamp_format, serialized_at }`.
   * @throws InvalidArgumentError when `timestampFormat` is not a supported format.
   */
  serialize(dialect: WireDialect = DEFAULT_WIRE_DIALECT): SerializedMetrics {
    const format = this.timestampFormat;
    const serializedAt = this.serializedAt ?? compileTimestampFormat(format).formatMicros(serializationMicros());
    const dimensions = this.dimensions.map((d) => d.serialize());
    const counters = this.counters.map((c) => c.serialize(format));
    const gauges = this.gauges.map((g) => g.serialize(format));
    const timers = this.timers.map((t) => t.serialize(format));
    if (dialect === 'python') {
      // The marker last, once (a hand-built Gauge may hold its key), as the encoder writes it.
      for (const gauge of gauges) counters.push({ ...gauge, metadata: { ...withoutMarker(gauge.metadata), [GAUGE_MARKER.key]: GAUGE_MARKER.value } });
    }
    if (dialect === 'python' || gauges.length === 0) return { dimensions, counters, timers, timestamp_format: format, serialized_at: serializedAt };
    return { dimensions, counters, timers, gauges, timestamp_format: format, serialized_at: serializedAt };
  }

  /**
   * Deserializes a decoded wire dictionary. Timestamps are parsed with the message's own
   * `timestamp_format`; `serialized_at` may be missing (or null). See `Counter.deserialize`
   * and `Timer.deserialize` for the metadata leniency.
   *
   * @param value - The decoded JSON value.
   * @returns The metrics.
   * @throws WireFormatError naming the path of the first missing or mistyped key, e.g.
   *   `counters[2].value must be a number, got "x"`.
   */
  static deserialize(value: unknown): Metrics {
    const obj = readObject(value, '');
    const timestampFormat = readString(obj, 'timestamp_format', '');
    let codec: TimestampCodec;
    try {
      codec = compileTimestampFormat(timestampFormat);
    } catch (error) {
      throw new WireFormatError(`timestamp_format is not usable: ${error instanceof Error ? error.message : String(error)}`);
    }
    const rawSerializedAt = Object.hasOwn(obj, 'serialized_at') ? obj.serialized_at : undefined;
    if (rawSerializedAt !== undefined && rawSerializedAt !== null && typeof rawSerializedAt !== 'string') {
      throw new WireFormatError(`serialized_at must be a string, got ${describeValue(rawSerializedAt)}`);
    }
    const dimensions = readArray(obj, 'dimensions', '').map((d, i) => Dimension.deserialize(d, `dimensions[${i}]`));
    const counters: Counter[] = [];
    const gauges: Gauge[] = [];
    readArray(obj, 'counters', '').forEach((c, i) => {
      const counter = Counter.deserialize(c, codec.format, `counters[${i}]`);
      if (marksGauge(counter.metadata)) {
        gauges.push(new Gauge(counter.name, counter.timestamp, withoutMarker(counter.metadata), counter.value));
      } else {
        counters.push(counter);
      }
    });
    const timers = readArray(obj, 'timers', '').map((t, i) => Timer.deserialize(t, codec.format, `timers[${i}]`));
    if (Object.hasOwn(obj, 'gauges') && obj.gauges !== null) {
      readArray(obj, 'gauges', '').forEach((g, i) => gauges.push(Gauge.deserialize(g, codec.format, `gauges[${i}]`)));
    }
    // Frozen here, so that the constructor keeps them instead of copying them.
    return new Metrics(
      Object.freeze(dimensions),
      Object.freeze(counters),
      Object.freeze(timers),
      timestampFormat,
      rawSerializedAt ?? undefined,
      gauges.length === 0 ? NO_GAUGES : Object.freeze(gauges),
    );
  }
}
