import { compileTimestampFormat } from '../time/timestamp-format.js';
import { readMetadata, readNumber, readObject, readString, readTimestamp } from './read-serialized.js';
import type { SerializedCounter } from './serialized.js';
import { frozenMetadata, type Metadata } from './metadata.js';

/**
 * What a counter and a gauge share: a name, a floating-point value, a timestamp and
 * metadata, and the same wire dictionary `{ name, metadata, timestamp, value }`. They
 * differ in meaning (summed, or last value wins) and in where they sit in a message.
 */
export abstract class ValueMetric {
  /** The metric's name. */
  readonly name: string;
  /** Microseconds since the Unix epoch, UTC. */
  readonly timestamp: bigint;
  /** Metadata for this metric. */
  readonly metadata: Metadata;
  /** The metric's value. */
  readonly value: number;

  constructor(name: string, timestamp: bigint, metadata: Metadata, value: number) {
    this.name = name;
    this.timestamp = timestamp;
    this.metadata = frozenMetadata(metadata);
    this.value = value;
    Object.freeze(this);
  }

  /**
   * Serializes this metric to the wire's dictionary.
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
}

/** The members of a `{ name, metadata, timestamp, value }` dictionary, read. */
export interface ValueMetricFields {
  readonly name: string;
  readonly timestamp: bigint;
  readonly metadata: Metadata;
  readonly value: number;
}

/**
 * Reads a counter's or gauge's wire dictionary. Missing or null `metadata` means `{}`;
 * number and boolean metadata values are converted with `JSON.stringify`.
 *
 * @throws WireFormatError naming the path of a missing or mistyped key or an unparseable timestamp.
 */
export function readValueMetric(value: unknown, timestampFormat: string, path: string): ValueMetricFields {
  const obj = readObject(value, path);
  const name = readString(obj, 'name', path);
  const metadata = readMetadata(obj, path);
  const timestamp = readTimestamp(obj, timestampFormat, path);
  return { name, timestamp, metadata, value: readNumber(obj, 'value', path) };
}
