import { frozenMetadata, type Metadata } from './metadata.js';
import { Unit } from './unit.js';
import { compileTimestampFormat } from '../time/timestamp-format.js';
import { childPath, readMetadata, readNumber, readObject, readString, readTimestamp } from './read-serialized.js';
import type { SerializedTimer } from './serialized.js';

/**
 * A timer metric: an elapsed period reported in `unit`. `value` is what goes on the wire
 * and into the database: (whole microseconds / 1e6) x `unit.secondsOffset`, computed in
 * IEEE double in exactly that order, as the Python original does.
 */
export class Timer {
  /** The timer's name. */
  readonly name: string;
  /** Microseconds since the Unix epoch, UTC. */
  readonly timestamp: bigint;
  /** Metadata for this timer. */
  readonly metadata: Metadata;
  /** The duration expressed in `unit`. */
  readonly value: number;
  /** The unit `value` is expressed in. */
  readonly unit: Unit;

  constructor(name: string, timestamp: bigint, metadata: Metadata, value: number, unit: Unit) {
    this.name = name;
    this.timestamp = timestamp;
    this.metadata = frozenMetadata(metadata);
    this.value = value;
    this.unit = unit;
    Object.freeze(this);
  }

  /** Builds a timer from a whole number of microseconds, with the original's arithmetic. */
  static fromMicroseconds(
    name: string,
    timestamp: bigint,
    metadata: Metadata,
    microseconds: number,
    unit: Unit,
  ): Timer {
    return new Timer(name, timestamp, metadata, (microseconds / 1e6) * unit.secondsOffset, unit);
  }

  /**
   * Serializes this timer to the wire's dictionary.
   *
   * @param timestampFormat - strftime format for `timestamp`.
   * @returns `{ name, unit, metadata, timestamp, value }`.
   */
  serialize(timestampFormat: string): SerializedTimer {
    return {
      name: this.name,
      unit: this.unit.serialize(),
      metadata: { ...this.metadata },
      timestamp: compileTimestampFormat(timestampFormat).formatMicros(this.timestamp),
      value: this.value,
    };
  }

  /**
   * Deserializes a wire dictionary into a timer. The wire `value` is kept as it is (not
   * re-derived from a duration), so decoding and re-encoding reproduces the bytes.
   * Missing or null `metadata` means `{}`; number and boolean metadata values are
   * converted with `JSON.stringify`.
   *
   * @param value - The decoded dictionary.
   * @param timestampFormat - strftime format the `timestamp` is written in.
   * @param path - Where `value` sits in the message, for error messages.
   * @returns The timer.
   * @throws WireFormatError naming the path of a missing or mistyped key or an
   *   unparseable timestamp.
   */
  static deserialize(value: unknown, timestampFormat: string, path = 'timer'): Timer {
    const obj = readObject(value, path);
    const name = readString(obj, 'name', path);
    const unit = Unit.deserialize(obj.unit, childPath(path, 'unit'));
    const metadata = readMetadata(obj, path);
    const timestamp = readTimestamp(obj, timestampFormat, path);
    return new Timer(name, timestamp, metadata, readNumber(obj, 'value', path), unit);
  }
}
