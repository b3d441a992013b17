import { WireFormatError } from '../errors/wire-format-error.js';
import { MICROS_PER_DAY, daysFromCivil, isValidDate } from './civil-date.js';
import { describeValue } from './describe-value.js';
import { MAX_MICROS, MIN_MICROS, MONTHS, MONTHS_ABBR, WEEKDAYS, WEEKDAYS_ABBR, type Piece } from './strftime.js';

/*
 * The parsing half of timestamp formats: Python's `datetime.strptime`.
 */

function alternatives(names: readonly string[]): string {
  return '(' + [...names].sort((a, b) => b.length - a.length).join('|') + ')';
}

// The regular expressions of CPython's _strptime (matched case-insensitively), so that
// what Python accepts we accept, and what it rejects we reject. %z/%Z also match the
// empty string, because that is what a naive datetime formats them as.
const PARSE_PATTERNS: Record<string, string> = {
  Y: '(\\d\\d\\d\\d)',
  m: '(1[0-2]|0[1-9]|[1-9])',
  d: '(3[01]|[12]\\d|0[1-9]|[1-9]| [1-9])',
  H: '(2[0-3]|[01]\\d|\\d)',
  I: '(1[0-2]|0[1-9]|[1-9])',
  M: '([0-5]\\d|\\d)',
  S: '(6[01]|[0-5]\\d|\\d)',
  f: '([0-9]{1,6})',
  j: '(36[0-6]|3[0-5]\\d|[12]\\d\\d|0[1-9]\\d|00[1-9]|[1-9]\\d|0[1-9]|[1-9])',
  y: '(\\d\\d)',
  b: alternatives(MONTHS_ABBR),
  B: alternatives(MONTHS),
  a: alternatives(WEEKDAYS_ABBR),
  A: alternatives(WEEKDAYS),
  p: '(am|pm)',
  z: '(Z|[+-]\\d\\d:?[0-5]\\d(?::?[0-5]\\d(?:\\.\\d{1,6})?)?|)',
  Z: '(utc|gmt|)',
};

function escapeLiteral(literal: string): string {
  return literal.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&').replace(/\s+/g, '\\s+');
}

function monthIndex(names: readonly string[], text: string): number {
  const lower = text.toLowerCase();
  return names.findIndex((n) => n.toLowerCase() === lower) + 1;
}

/** Offset in microseconds east of UTC written by %z (`+0530`, `-05:00`, `Z`, or empty). */
function parseOffset(z: string): number | undefined {
  if (z === '' || z === 'Z') return 0;
  if (z === 'z') return undefined;
  let digits = z.slice(1);
  if (digits.charAt(2) === ':') {
    digits = digits.slice(0, 2) + digits.slice(3);
    if (digits.length > 4) {
      if (digits.charAt(4) !== ':') return undefined;
      digits = digits.slice(0, 4) + digits.slice(5);
    }
  }
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4));
  const seconds = Number(digits.slice(4, 6) || '0');
  const fraction = Number((digits.slice(7) + '000000').slice(0, 6));
  const total = ((hours * 60 + minutes) * 60 + seconds) * 1e6 + fraction;
  if (total >= MICROS_PER_DAY) return undefined;
  return z.charAt(0) === '-' ? -total : total;
}

/**
 * Compiles tokenized pieces into a parser with the semantics of Python's `strptime`.
 *
 * @param format - The format, for error messages.
 * @param pieces - The tokenized format.
 */
export function compileParser(format: string, pieces: readonly Piece[]): (text: string) => bigint {
  let source = '^';
  const keys: string[] = [];
  for (const piece of pieces) {
    if ('literal' in piece) {
      source += escapeLiteral(piece.literal);
    } else {
      source += PARSE_PATTERNS[piece.directive] as string;
      keys.push(piece.directive);
    }
  }
  const pattern = new RegExp(source + '$', 'i');
  const pIndex = keys.indexOf('p');

  return (text) => {
    if (typeof text !== 'string') return mismatch(text, format, ' (not a string)');
    const match = pattern.exec(text);
    if (match === null) return mismatch(text, format, '');
    let year = 1900;
    let month = 1;
    let day = 1;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let micro = 0;
    let julian = 0;
    let offset = 0;
    for (let i = 0; i < keys.length; i += 1) {
      const s = match[i + 1] as string;
      switch (keys[i]) {
        case 'Y':
          year = Number(s);
          break;
        case 'y':
          year = Number(s) <= 68 ? 2000 + Number(s) : 1900 + Number(s);
          break;
        case 'm':
          month = Number(s);
          break;
        case 'b':
          month = monthIndex(MONTHS_ABBR, s);
          break;
        case 'B':
          month = monthIndex(MONTHS, s);
          break;
        case 'd':
          day = Number(s.trim());
          break;
        case 'H':
          hour = Number(s);
          break;
        case 'I': {
          const ampm = pIndex >= 0 ? (match[pIndex + 1] as string).toLowerCase() : '';
          hour = Number(s) % 12 + (ampm === 'pm' ? 12 : 0);
          break;
        }
        case 'M':
          minute = Number(s);
          break;
        case 'S':
          second = Number(s);
          break;
        case 'f':
          micro = Number((s + '00000').slice(0, 6));
          break;
        case 'j':
          julian = Number(s);
          break;
        case 'z': {
          const parsed = parseOffset(s);
          if (parsed === undefined) return mismatch(text, format, ` (bad UTC offset ${describeValue(s)})`);
          offset = parsed;
          break;
        }
        default:
          // %a %A %p %Z carry no information once matched (as in Python).
          break;
      }
    }
    if (second > 59) return mismatch(text, format, ` (second ${second} is out of range 0..59)`);
    let days: number;
    if (julian > 0) {
      if (year < 1 || year > 9999) return mismatch(text, format, ` (year ${year} is out of range 1..9999)`);
      days = daysFromCivil(year, 1, 1) + julian - 1;
    } else {
      if (!isValidDate(year, month, day)) return mismatch(text, format, ` (${year}-${month}-${day} is not a valid date)`);
      days = daysFromCivil(year, month, day);
    }
    const seconds = days * 86_400 + hour * 3600 + minute * 60 + second;
    const result =
      seconds > -9e9 && seconds < 9e9
        ? BigInt(seconds * 1e6 + micro - offset)
        : BigInt(seconds) * 1_000_000n + BigInt(micro - offset);
    if (result < MIN_MICROS || result > MAX_MICROS) return mismatch(text, format, ' (outside years 1..9999)');
    return result;
  };
}

function mismatch(text: unknown, format: string, why: string): never {
  throw new WireFormatError(`time data ${describeValue(text)} does not match format ${describeValue(format)}${why}`);
}


function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i += 1) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** `YYYY-MM-DDTHH:MM:SS.ffffffZ` exactly, without a regex; undefined means "ask the generic parser". */
export function parseDefaultFast(text: string): bigint | undefined {
  if (
    text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 ||
    text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58 || text.charCodeAt(19) !== 46 ||
    text.charCodeAt(26) !== 90
  ) {
    return undefined;
  }
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  const micro = digitsAt(text, 20, 6);
  if (micro < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  if (!isValidDate(year, month, day)) return undefined;
  const seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
  return seconds > -9e9 && seconds < 9e9 ? BigInt(seconds * 1e6 + micro) : BigInt(seconds) * 1_000_000n + BigInt(micro);
}

