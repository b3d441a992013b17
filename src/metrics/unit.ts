import { describeValue } from '../errors/describe-value.js';
import { readNumber, readObject, readString } from './read-serialized.js';
import type { SerializedUnit } from './serialized.js';
import { WireFormatError } from '../errors/wire-format-error.js';

/**
 * A unit, representing an offset from seconds, used by timers for unambiguous reporting
 * of their value: a timer's value is its duration in seconds multiplied by `secondsOffset`.
 */
export class Unit {
  /** The unit's name as it appears on the wire and in the database (e.g. `milliseconds`). */
  readonly name: string;
  /** How many of this unit make one second (milliseconds: 1000). */
  readonly secondsOffset: number;

  constructor(name: string, secondsOffset: number) {
    this.name = name;
    this.secondsOffset = secondsOffset;
    Object.freeze(this);
  }

  /**
   * Serializes this unit to the wire's dictionary.
   *
   * @returns `{ name, seconds_offset }`.
   */
  serialize(): SerializedUnit {
    return { name: this.name, seconds_offset: this.secondsOffset };
  }

  /**
   * Deserializes a wire dictionary into a unit. A unit equal to one of {@link Units}
   * returns that constant, so `timer.unit === Units.MILLISECONDS` holds after decoding.
   *
   * @param value - The decoded dictionary.
   * @param path - Where `value` sits in the message, for error messages.
   * @returns The unit.
   * @throws WireFormatError when `name` is not a string or `seconds_offset` not a finite number.
   */
  static deserialize(value: unknown, path = 'unit'): Unit {
    const obj = readObject(value, path);
    const name = readString(obj, 'name', path);
    const secondsOffset = readNumber(obj, 'seconds_offset', path);
    if (!(secondsOffset > 0)) {
      throw new WireFormatError(`${path}.seconds_offset must be greater than 0, got ${describeValue(secondsOffset)}`);
    }
    for (const known of KNOWN_UNITS) {
      if (known.name === name && known.secondsOffset === secondsOffset) return known;
    }
    return new Unit(name, secondsOffset);
  }
}

/** Commonly used units. */
export const Units = Object.freeze({
  /** Report the timer in seconds. */
  SECONDS: new Unit('seconds', 1),
  /** Report the timer in milliseconds. */
  MILLISECONDS: new Unit('milliseconds', 1000),
  /** Report the timer in microseconds. */
  MICROSECONDS: new Unit('microseconds', 1_000_000),
});

const KNOWN_UNITS: readonly Unit[] = [Units.SECONDS, Units.MILLISECONDS, Units.MICROSECONDS];
