import { civilFromDays, type CivilDate } from './civil-date.js';

/** Characters of a time in the seed's default format, `%Y-%m-%dT%H:%M:%S.%fZ`. */
export const DEFAULT_TIMESTAMP_LENGTH = 27;

const SECONDS_PER_DAY = 86_400;

// The calendar date of the day last written: it changes once a day, the rest is
// arithmetic on the time of day.
let cachedDay = Number.NaN;
const date: CivilDate = { year: 1970, month: 1, day: 1 };

// Callers pass small whole numbers; `| 0` keeps the arithmetic in int32 (a double's
// `%` is a call to fmod).
function two(bytes: Uint8Array, at: number, n: number): void {
  const value = n | 0;
  const tens = (value / 10) | 0;
  bytes[at] = 0x30 + tens;
  bytes[at + 1] = 0x30 + value - tens * 10;
}

function digits(bytes: Uint8Array, at: number, count: number, n: number): void {
  let rest = n | 0;
  for (let i = at + count - 1; i >= at; i -= 1) {
    const next = (rest / 10) | 0;
    bytes[i] = 0x30 + rest - next * 10;
    rest = next;
  }
}

/**
 * Writes a time as `%Y-%m-%dT%H:%M:%S.%fZ` renders it (`1970-01-01T00:00:00.000000Z`):
 * {@link DEFAULT_TIMESTAMP_LENGTH} ASCII bytes at `at`, which the caller has room for.
 * Allocates nothing.
 *
 * @param bytes - Where to write.
 * @param at - Index of the first byte.
 * @param micros - Microseconds since the epoch: a safe integer >= 0 (years 1970..2255).
 */
export function writeDefaultTimestamp(bytes: Uint8Array, at: number, micros: number): void {
  // Exact: below 2^53 a quotient q + r/1e6 (r < 1e6) lies at least 1e-6 from q + 1,
  // more than half the spacing of doubles there (2^-19 at most), so it never rounds up.
  const second = Math.floor(micros / 1e6);
  const micro = micros - second * 1e6;
  const day = Math.floor(second / SECONDS_PER_DAY);
  if (day !== cachedDay) {
    civilFromDays(day, date);
    cachedDay = day;
  }
  let rest = second - day * SECONDS_PER_DAY;
  const hour = Math.floor(rest / 3600);
  rest -= hour * 3600;
  const minute = Math.floor(rest / 60);
  digits(bytes, at, 4, date.year);
  bytes[at + 4] = 0x2d; // -
  two(bytes, at + 5, date.month);
  bytes[at + 7] = 0x2d;
  two(bytes, at + 8, date.day);
  bytes[at + 10] = 0x54; // T
  two(bytes, at + 11, hour);
  bytes[at + 13] = 0x3a; // :
  two(bytes, at + 14, minute);
  bytes[at + 16] = 0x3a;
  two(bytes, at + 17, rest - minute * 60);
  bytes[at + 19] = 0x2e; // .
  digits(bytes, at + 20, 6, micro);
  bytes[at + 26] = 0x5a; // Z
}
