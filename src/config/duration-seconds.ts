import { z } from 'zod';

/**
 * Longest delay Node's timers and `AbortSignal.timeout` honour: `setTimeout` fires at once
 * (with a warning) beyond 2^31 - 1 ms, and `AbortSignal.timeout` throws on anything but a
 * whole number of milliseconds.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** Shortest duration setting: 1 ms (a shorter one would round to 0, "no wait at all"). */
export const MIN_DURATION_SECONDS = 0.001;

/** Longest duration setting: `MAX_TIMER_MS` in seconds (about 24.8 days). */
export const MAX_DURATION_SECONDS = MAX_TIMER_MS / 1000;

/**
 * The one conversion of a duration setting from seconds (as configured, possibly
 * fractional) to whole milliseconds, rounded to the nearest millisecond (`2.01` -> 2010,
 * where `2.01 * 1000` is 2009.9999999999998). Every value `durationSeconds()` accepts
 * gives an integer from 1 to `MAX_TIMER_MS`, which every timer and `AbortSignal.timeout`
 * accepts.
 */
export function secondsToMilliseconds(seconds: number): number {
  return Math.round(seconds * 1000);
}

/**
 * The schema of every duration setting (`*_SECONDS` keys and durations inside `*_ARGS`):
 * a number of seconds from 0.001 to 2147483.647, fractions allowed. Its value is turned
 * into milliseconds by `secondsToMilliseconds` only.
 */
export function durationSeconds(): z.ZodNumber {
  return z.number().min(MIN_DURATION_SECONDS).max(MAX_DURATION_SECONDS).meta({ unit: 'seconds' });
}
