import { compileTimestampFormat } from '../time/timestamp-format.js';
import { readMetadata, readNumber, readObject, readString, readTimestamp } from './read-serialized.js';
import type { SerializedCounter } from './serialized.js';
import { frozenMetadata, type Metadata } from './metadata.js';

/** A counter metric: a name and a floating-point value, with a timestamp and metadata. */
export class Counter {
  /** The counter's name. */
  readonly name: string;
  /** Microseconds since the Unix epoch, UTC. */
  readonly timestamp: bigint;
  /** Metadata for this counter. */
  readonly metadata: Metadata;
  /** The counter's (aggregated) value. */
  readonly value: number;

  constructor(name: string, timestamp: bigint, metadata: Metadata, value: number) {
    this.name = name;
    this.timestamp = timestamp;
    this.metadata = frozenMetadata(metadata);
    this.value = value;
    Object.freeze(this);
  }

  /**
   * Serializes this counter to the wire's dictionary.
   *
   * @param timestampFormat - strftime format for `timestamp`.
   * @returns `{ name, metadata, timestamp, value }`.
   */
  serialize(timestampFormat: string): SerializedCounter {
    return {
      name: this.name,
      metadata: { ...this.metadata },
      timestamp: compileTimestampFormat(timestampFormat).formatMicros(this.timestamp),
      value: this.value,
    };
  }

  /**
   * Deserializes a wire dictionary into a counter. Missing or null `metadata` means `{}`;
   * number and boolean metadata values are converted with `JSON.stringify`.
   *
   * @param value - The decoded dictionary.
   * @param timestampFormat - strftime format the `timestamp` is written in.
   * @param path - Where `value` sits in the message, for error messages.
   * @returns The counter.
   * @throws WireFormatError naming the path of a missing or mistyped key or an
   *   unparseable timestamp.
   */
  static deserialize(value: unknown, timestampFormat: string, path = 'counter'): Counter {
    const obj = readObject(value, path);
    const name = readString(obj, 'name', path);
    const metadata = readMetadata(obj, path);
    const timestamp = readTimestamp(obj, timestampFormat, path);
    return new Counter(name, timestamp, metadata, readNumber(obj, 'value', path));
  }
}
