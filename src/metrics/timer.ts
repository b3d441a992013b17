import type { Metadata } from './counter.js';
import type { Unit } from './unit.js';

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
    this.metadata = Object.freeze({ ...metadata });
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
}
