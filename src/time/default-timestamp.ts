import { civilFromDays, type CivilDate } from './civil-date.js';

/** The timestamp format of Python Kadabra 0.5.0, which its agents expect. */
export const DEFAULT_TIMESTAMP_FORMAT = '%Y-%m-%dT%H:%M:%S.%fZ';

/**
 * Bytes of a time in the original's default format, `%Y-%m-%dT%H:%M:%S.%fZ`, as a JSON
 * string: `"1970-01-01T00:00:00.000000Z"`.
 */
export const DEFAULT_TIMESTAMP_JSON_LENGTH = 29;

const SECONDS_PER_DAY = 86_400;

// Little-endian 32-bit words of ASCII digits: four digits, and two digits then `Z"`.
const FOUR_DIGITS = new Uint32Array(10_000);
const TWO_DIGITS_CLOSE = new Uint32Array(100);
{
  const word = (text: string): number => Buffer.from(text, 'latin1').readUInt32LE(0);
  for (let n = 0; n < 10_000; n += 1) FOUR_DIGITS[n] = word(String(n).padStart(4, '0'));
  for (let n = 0; n < 100; n += 1) TWO_DIGITS_CLOSE[n] = word(String(n).padStart(2, '0') + 'Z"');
}

// The first 20 bytes, `"YYYY-mm-ddTHH:MM:SS`, of the two seconds written last, as five
// words each: a message's metric timestamps and its serialized_at can straddle a second.
const cachedSeconds = [Number.NaN, Number.NaN];
const cachedWords = new Uint32Array(10);
let replaceNext = 0;
let cachedDay = Number.NaN;
const date: CivilDate = { year: 1970, month: 1, day: 1 };
const scratch = Buffer.alloc(20);

function two(at: number, n: number): void {
  const tens = (n / 10) | 0;
  scratch[at] = 0x30 + tens;
  scratch[at + 1] = 0x30 + n - tens * 10;
}

/** Index into `cachedWords` of the prefix of `second` (since the epoch), rendering it if needed. */
function prefixOf(second: number): number {
  if (cachedSeconds[0] === second) return 0;
  if (cachedSeconds[1] === second) return 5;
  const day = Math.floor(second / SECONDS_PER_DAY);
  if (day !== cachedDay) {
    civilFromDays(day, date);
    cachedDay = day;
  }
  const rest = second - day * SECONDS_PER_DAY;
  const hour = (rest / 3600) | 0;
  const minute = ((rest - hour * 3600) / 60) | 0;
  scratch[0] = 0x22; // "
  scratch.writeUInt32LE(FOUR_DIGITS[date.year] as number, 1);
  scratch[5] = 0x2d; // -
  two(6, date.month);
  scratch[8] = 0x2d;
  two(9, date.day);
  scratch[11] = 0x54; // T
  two(12, hour);
  scratch[14] = 0x3a; // :
  two(15, minute);
  scratch[17] = 0x3a;
  two(18, rest - hour * 3600 - minute * 60);
  const slot = replaceNext;
  replaceNext = 1 - slot;
  cachedSeconds[slot] = second;
  for (let i = 0; i < 5; i += 1) cachedWords[slot * 5 + i] = scratch.readUInt32LE(i * 4);
  return slot * 5;
}

/**
 * Writes a time as `%Y-%m-%dT%H:%M:%S.%fZ` renders it, as a JSON string
 * (`"1970-01-01T00:00:00.000000Z"`): {@link DEFAULT_TIMESTAMP_JSON_LENGTH} bytes at
 * `at`, which the caller has room for. Seven 32-bit stores and a byte; the date and
 * time of day are rendered once a second.
 *
 * @param view - Where to write.
 * @param at - Offset of the first byte.
 * @param micros - Microseconds since the epoch: a safe integer >= 0 (years 1970..2255).
 */
export function writeDefaultTimestampJson(view: DataView, at: number, micros: number): void {
  // Exact: below 2^53 a quotient q + r/1e6 (r < 1e6) lies at least 1e-6 from q + 1,
  // more than half the spacing of doubles there (2^-19 at most), so it never rounds up.
  const second = Math.floor(micros / 1e6);
  const micro = micros - second * 1e6;
  const words = prefixOf(second);
  view.setUint32(at, cachedWords[words] as number, true);
  view.setUint32(at + 4, cachedWords[words + 1] as number, true);
  view.setUint32(at + 8, cachedWords[words + 2] as number, true);
  view.setUint32(at + 12, cachedWords[words + 3] as number, true);
  view.setUint32(at + 16, cachedWords[words + 4] as number, true);
  view.setUint8(at + 20, 0x2e); // .
  const high = (micro / 100) | 0;
  view.setUint32(at + 21, FOUR_DIGITS[high] as number, true);
  view.setUint32(at + 25, TWO_DIGITS_CLOSE[micro - high * 100] as number, true);
}
