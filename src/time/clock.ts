import { randomInt } from 'node:crypto';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { describeValue } from '../errors/describe-value.js';

/** The latest time Python's datetime (and so the wire) can hold: 9999-12-31T23:59:59.999999Z. */
export const MAX_TIMESTAMP_MICROS = 253_402_300_799_999_999n;

// Microseconds to add to the monotonic clock to get wall-clock time; corrected when the
// result leaves the millisecond Date.now() reports (drift, NTP steps).
let offsetMicros = Date.now() * 1000 - Math.floor(performance.now() * 1000);
let lastMicros = 0;
// Monotonic µs when the wall clock was last read: it is read at most once a millisecond,
// since each clock read costs about as much as the rest of a recording (~60 ns here).
let wallCheckedAt = Number.NEGATIVE_INFINITY;

/**
 * Now, UTC, in microseconds since the epoch as a number (exact below 2^53, i.e. until
 * the year 2255). See {@link nowMicros}.
 *
 * @returns Microseconds since 1970-01-01T00:00:00Z, strictly greater than the previous result.
 */
export function nowMicrosNumber(): number {
  // performance.now() reads the same monotonic clock as process.hrtime, as a double
  // (no allocation); it supplies the sub-millisecond part.
  const monotonic = Math.floor(performance.now() * 1000);
  let micros = monotonic + offsetMicros;
  if (monotonic - wallCheckedAt >= 1000) {
    wallCheckedAt = monotonic;
    const wallMicros = Date.now() * 1000;
    if (micros < wallMicros) {
      offsetMicros += wallMicros - micros;
      micros = wallMicros;
    } else if (micros > wallMicros + 999) {
      offsetMicros -= micros - (wallMicros + 999);
      micros = wallMicros + 999;
    }
  }
  // Strictly increasing within the process, so two metrics recorded by this process
  // never share a timestamp (InfluxDB would keep only one of them).
  if (micros <= lastMicros) micros = lastMicros + 1;
  lastMicros = micros;
  return micros;
}

/**
 * Now, UTC, with microsecond resolution: `Date.now()` for the milliseconds (read at
 * most once per millisecond; a wall-clock step is followed within one) and the
 * monotonic high-resolution clock for the microseconds within them. Strictly increasing
 * within the process: if the clock has not advanced (or went back), the result is the
 * previous one plus 1 µs. (So a burst of calls faster than one per microsecond runs
 * ahead of the wall clock by at most the burst's excess, until real time catches up.)
 *
 * @returns Microseconds since 1970-01-01T00:00:00Z.
 */
export function nowMicros(): bigint {
  return BigInt(nowMicrosNumber());
}

// This process's lane: a fixed 0–999 µs added to `serialized_at` only. Two processes
// recording the same metrics in the same microsecond would otherwise send byte-identical
// messages, which no publisher can tell apart (InfluxDB keeps one point). `serialized_at`
// is informational (our agent times "stuck" by time in progress, the Python one by a 60 s
// threshold), so being up to 1 ms late there costs nothing; metric timestamps stay exact.
const SERIALIZATION_LANE_MICROS = randomInt(1000);

/**
 * The time to stamp as a message's `serialized_at`: {@link nowMicros} plus this process's
 * fixed lane of 0–999 µs, so messages from different processes differ even when their
 * metrics are identical. Strictly increasing within the process.
 *
 * @returns Microseconds since 1970-01-01T00:00:00Z.
 */
export function serializationMicros(): bigint {
  return BigInt(nowMicrosNumber() + SERIALIZATION_LANE_MICROS);
}

function label(what: string | (() => string)): string {
  return typeof what === 'string' ? what : what();
}

/**
 * Converts a user-supplied timestamp to microseconds since the epoch, validating it.
 *
 * @param ts - A `Date` (millisecond precision) or a bigint of microseconds since the epoch.
 * @param what - How the value is named in the error message (a function: built only on error).
 * @returns Microseconds since 1970-01-01T00:00:00Z.
 * @throws InvalidArgumentError for an invalid Date, a value that is neither a Date nor a
 *   bigint, or a time before 1970 or after 9999-12-31T23:59:59.999999Z.
 */
export function toMicros(ts: Date | bigint, what: string | (() => string) = 'timestamp'): bigint {
  let micros: bigint;
  if (typeof ts === 'bigint') {
    micros = ts;
  } else if (ts instanceof Date) {
    const ms = ts.getTime();
    if (Number.isNaN(ms)) {
      throw new InvalidArgumentError(`${label(what)} is an invalid Date; pass a valid Date or a bigint of microseconds since the epoch`);
    }
    micros = BigInt(ms) * 1000n;
  } else {
    throw new InvalidArgumentError(
      `${label(what)} must be a Date or a bigint of microseconds since the epoch, got ${describeValue(ts)}; ` +
        'pass new Date(milliseconds) or BigInt(microseconds)',
    );
  }
  if (micros < 0n || micros > MAX_TIMESTAMP_MICROS) {
    throw new InvalidArgumentError(
      `${label(what)} ${describeValue(ts)} is outside 1970-01-01T00:00:00Z..9999-12-31T23:59:59.999999Z; ` +
        'pass a time in that range (a bigint timestamp counts microseconds since the epoch)',
    );
  }
  return micros;
}
