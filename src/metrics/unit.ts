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
