import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { MICROS_PER_DAY, civilFromDays, daysFromCivil, type CivilDate } from './civil-date.js';
import { DEFAULT_TIMESTAMP_FORMAT } from './default-timestamp.js';
import { describeValue } from '../errors/describe-value.js';

/*
 * The formatting half of timestamp formats: Python's `datetime.strftime` for naive UTC
 * datetimes, in the C locale.
 */

/** The directives a timestamp format may use (after `%`). */
export const SUPPORTED_DIRECTIVES = 'YmdHMSfjybBaAIpzZ%';

/** English month names (C locale), January first. */
export const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** English weekday names (C locale), Sunday first. */
export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
/** Three-letter month names. */
export const MONTHS_ABBR = MONTHS.map((m) => m.slice(0, 3));
/** Three-letter weekday names. */
export const WEEKDAYS_ABBR = WEEKDAYS.map((d) => d.slice(0, 3));

/** 0001-01-01T00:00:00Z in microseconds since the epoch (Python's datetime.min). */
export const MIN_MICROS = BigInt(daysFromCivil(1, 1, 1)) * BigInt(MICROS_PER_DAY);
/** 9999-12-31T23:59:59.999999Z in microseconds since the epoch (Python's datetime.max). */
export const MAX_MICROS = BigInt(daysFromCivil(10000, 1, 1)) * BigInt(MICROS_PER_DAY) - 1n;
const BIG_MICROS_PER_DAY = BigInt(MICROS_PER_DAY);

/** Broken-down UTC time; one scratch instance is reused by every (synchronous) format call. */
interface Fields extends CivilDate {
  hour: number;
  minute: number;
  second: number;
  micro: number;
  days: number;
}

// Formatting is synchronous, so one set of scratch fields suffices.
const scratch: Fields = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, micro: 0, days: 0 };

/**
 * Breaks microseconds since the epoch into UTC calendar fields, written into `f`.
 *
 * @throws InvalidArgumentError outside years 1..9999.
 */
function breakDown(micros: bigint, f: Fields): void {
  const n = Number(micros);
  let days: number;
  let rem: number;
  if (n >= -Number.MAX_SAFE_INTEGER && n <= Number.MAX_SAFE_INTEGER) {
    days = Math.floor(n / MICROS_PER_DAY);
    rem = n - days * MICROS_PER_DAY;
    // The quotient is rounded, so the floor can be one off near a day boundary.
    if (rem < 0) {
      days -= 1;
      rem += MICROS_PER_DAY;
    } else if (rem >= MICROS_PER_DAY) {
      days += 1;
      rem -= MICROS_PER_DAY;
    }
  } else {
    if (micros < MIN_MICROS || micros > MAX_MICROS) {
      throw new InvalidArgumentError(
        `timestamp ${micros}n (microseconds since the epoch) lies outside years 1..9999 and cannot be formatted; ` +
          'pass a time between 0001-01-01 and 9999-12-31',
      );
    }
    let d = micros / BIG_MICROS_PER_DAY;
    let r = micros % BIG_MICROS_PER_DAY;
    if (r < 0n) {
      d -= 1n;
      r += BIG_MICROS_PER_DAY;
    }
    days = Number(d);
    rem = Number(r);
  }
  civilFromDays(days, f);
  const seconds = Math.floor(rem / 1e6);
  f.micro = rem - seconds * 1e6;
  f.hour = Math.floor(seconds / 3600);
  f.minute = Math.floor((seconds % 3600) / 60);
  f.second = seconds % 60;
  f.days = days;
}

/** Two digits, zero-padded. */
function pad2(n: number): string {
  return n < 10 ? '0' + n : '' + n;
}

function pad3(n: number): string {
  return n < 10 ? '00' + n : n < 100 ? '0' + n : '' + n;
}

/** Four digits, zero-padded. */
function pad4(n: number): string {
  return n < 1000 ? pad3(n).padStart(4, '0') : '' + n;
}

/** Six digits, zero-padded. */
function pad6(n: number): string {
  return n < 100_000 ? ('00000' + n).slice(-6) : '' + n;
}

function dayOfYear(f: Fields): number {
  return f.days - daysFromCivil(f.year, 1, 1) + 1;
}

function weekday(f: Fields): number {
  return (((f.days + 4) % 7) + 7) % 7;
}

// %Y is zero-padded to four digits (glibc's strftime would print year 999 as `999`,
// which Python's own strptime then rejects); client timestamps are >= 1970 either way.
const FORMATTERS: Record<string, (f: Fields) => string> = {
  Y: (f) => pad4(f.year),
  m: (f) => pad2(f.month),
  d: (f) => pad2(f.day),
  H: (f) => pad2(f.hour),
  M: (f) => pad2(f.minute),
  S: (f) => pad2(f.second),
  f: (f) => pad6(f.micro),
  j: (f) => pad3(dayOfYear(f)),
  y: (f) => pad2(f.year % 100),
  b: (f) => MONTHS_ABBR[f.month - 1] as string,
  B: (f) => MONTHS[f.month - 1] as string,
  a: (f) => WEEKDAYS_ABBR[weekday(f)] as string,
  A: (f) => WEEKDAYS[weekday(f)] as string,
  I: (f) => pad2(f.hour % 12 === 0 ? 12 : f.hour % 12),
  p: (f) => (f.hour < 12 ? 'AM' : 'PM'),
  // The Python client's datetimes are naive, for which strftime renders these empty.
  z: () => '',
  Z: () => '',
};

/**
 * The longest timestamp format accepted, in UTF-16 units. The longest useful one
 * (`%A, %d %B %Y %H:%M:%S.%f %z %Z`) has 30; the limit bounds the work a format taken
 * from a message can cost.
 */
export const MAX_TIMESTAMP_FORMAT_LENGTH = 128;

/** A parsed format: literal text or one directive letter. */
export type Piece = { literal: string } | { directive: string };

/**
 * Splits a strftime format into literals and directives (`%%` becomes a literal `%`).
 *
 * @throws InvalidArgumentError for an unsupported directive or a stray `%`.
 */
export function tokenize(format: string): Piece[] {
  if (typeof format !== 'string') {
    throw new InvalidArgumentError(`timestamp format must be a string, got ${describeValue(format)}`);
  }
  if (format.length > MAX_TIMESTAMP_FORMAT_LENGTH) {
    throw new InvalidArgumentError(
      `timestamp format ${describeValue(format)} is ${format.length} characters long; ` +
        `formats are limited to ${MAX_TIMESTAMP_FORMAT_LENGTH} characters: use a shorter one such as ${DEFAULT_TIMESTAMP_FORMAT}`,
    );
  }
  const pieces: Piece[] = [];
  const used = new Set<string>();
  let literal = '';
  for (let i = 0; i < format.length; i += 1) {
    const c = format.charAt(i);
    if (c !== '%') {
      literal += c;
      continue;
    }
    const d = format.charAt(i + 1);
    if (d === '') {
      throw new InvalidArgumentError(`timestamp format ${describeValue(format)} ends with a stray %; write %% for a literal percent sign`);
    }
    if (!SUPPORTED_DIRECTIVES.includes(d)) {
      throw new InvalidArgumentError(
        `timestamp format ${describeValue(format)} uses %${d}, which is not supported; ` +
          `use only ${[...SUPPORTED_DIRECTIVES].map((x) => '%' + x).join(' ')} and literal text`,
      );
    }
    i += 1;
    if (d === '%') {
      literal += '%';
      continue;
    }
    // Python's strptime refuses such a format outright ("redefinition of group name"),
    // so a Python agent could never read its timestamps.
    if (used.has(d)) {
      throw new InvalidArgumentError(
        `timestamp format ${describeValue(format)} uses %${d} twice; Python's strptime refuses a repeated directive: use each at most once`,
      );
    }
    used.add(d);
    if (literal !== '') pieces.push({ literal });
    literal = '';
    pieces.push({ directive: d });
  }
  if (literal !== '') pieces.push({ literal });
  return pieces;
}

/** Compiles tokenized pieces into a formatter of microseconds since the epoch. */
export function compileFormatter(pieces: readonly Piece[]): (micros: bigint) => string {
  const parts: Array<string | ((f: Fields) => string)> = pieces.map((p) =>
    'literal' in p ? p.literal : (FORMATTERS[p.directive] as (f: Fields) => string),
  );
  return (micros) => {
    breakDown(micros, scratch);
    let out = '';
    for (const part of parts) out += typeof part === 'string' ? part : part(scratch);
    return out;
  };
}

