/**
 * Quantises a duration in milliseconds to whole microseconds exactly as Python's
 * `datetime.timedelta(milliseconds=ms)` does: the integral milliseconds are exact, the
 * fractional part is scaled by 1000 in double precision and the leftover below one
 * microsecond is rounded half to even. (Rounding `ms * 1000` instead would differ, e.g.
 * for 2000.0005 ms, which Python makes 2000001 µs.)
 *
 * @param ms - A finite duration in milliseconds.
 * @returns Whole microseconds (exact while below 2^53).
 */
export function millisecondsToMicros(ms: number): number {
  const whole = Math.trunc(ms);
  const fraction = ms - whole;
  const micros = whole * 1000;
  if (fraction === 0) return micros + 0;
  const scaled = fraction * 1000;
  const scaledWhole = Math.trunc(scaled);
  const base = micros + scaledWhole;
  const leftover = scaled - scaledWhole;
  let rounded = roundHalfAwayFromZero(leftover);
  if (Math.abs(rounded - leftover) === 0.5) {
    // CPython's tie rule (delta_new): the total must come out even.
    const odd = ((base % 2) + 2) % 2;
    rounded = 2 * roundHalfAwayFromZero((leftover + odd) * 0.5) - odd;
  }
  return base + rounded + 0;
}

/** C's `round()`. */
function roundHalfAwayFromZero(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/**
 * Converts an elapsed time in nanoseconds to whole microseconds, rounding half to even.
 *
 * @param nanos - Elapsed nanoseconds (e.g. a difference of `process.hrtime.bigint()`).
 * @returns Whole microseconds.
 */
export function nanosToMicros(nanos: bigint): number {
  let micros = nanos / 1000n;
  const rest = nanos % 1000n;
  if (rest > 500n || (rest === 500n && micros % 2n === 1n)) micros += 1n;
  else if (rest < -500n || (rest === -500n && micros % 2n === -1n)) micros -= 1n;
  return Number(micros);
}
