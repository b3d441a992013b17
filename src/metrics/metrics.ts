import { WireFormatError } from '../errors/wire-format-error.js';
import { serializationMicros } from '../time/clock.js';
import { Counter } from './counter.js';
import { DEFAULT_TIMESTAMP_FORMAT } from '../time/default-timestamp.js';
import { describeValue } from '../errors/describe-value.js';
import { Dimension } from './dimension.js';
import { Timer } from './timer.js';
import { compileTimestampFormat, type TimestampCodec } from '../time/timestamp-format.js';
import { readArray, readObject, readString } from './read-serialized.js';
import type { SerializedMetrics } from './serialized.js';

export { DEFAULT_TIMESTAMP_FORMAT };

/** An array that cannot change any more: `items` itself when already frozen, otherwise a frozen copy. */
function frozen<T>(items: readonly T[]): readonly T[] {
  return Object.isFrozen(items) ? items : Object.freeze([...items]);
}

/**
 * An immutable set of metrics, as transported over a channel and published by the agent.
 * Built by `MetricsCollector.close()` or decoded from the wire.
 */
export class Metrics {
  /** Dimensions shared by every counter and timer, in first-insertion order. */
  readonly dimensions: readonly Dimension[];
  /** Counters, in first-insertion order. */
  readonly counters: readonly Counter[];
  /** Timers, in first-insertion order. */
  readonly timers: readonly Timer[];
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
  ) {
    this.dimensions = frozen(dimensions);
    this.counters = frozen(counters);
    this.timers = frozen(timers);
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
   * @returns `{ dimensions, counters, timers, timestamp_format, serialized_at }`.
   * @throws InvalidArgumentError when `timestampFormat` is not a supported format.
   */
  serialize(): SerializedMetrics {
    const format = this.timestampFormat;
    return {
      dimensions: this.dimensions.map((d) => d.serialize()),
      counters: this.counters.map((c) => c.serialize(format)),
      timers: this.timers.map((t) => t.serialize(format)),
      timestamp_format: format,
      serialized_at: this.serializedAt ?? compileTimestampFormat(format).formatMicros(serializationMicros()),
    };
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
    const counters = readArray(obj, 'counters', '').map((c, i) =>
      Counter.deserialize(c, codec.format, `counters[${i}]`),
    );
    const timers = readArray(obj, 'timers', '').map((t, i) => Timer.deserialize(t, codec.format, `timers[${i}]`));
    // Frozen here, so that the constructor keeps them instead of copying them.
    return new Metrics(
      Object.freeze(dimensions),
      Object.freeze(counters),
      Object.freeze(timers),
      timestampFormat,
      rawSerializedAt ?? undefined,
    );
  }
}
