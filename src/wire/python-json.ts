import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { WireWriter } from './writer.js';

/*
 * The pieces of Python's `json.dumps` (default arguments) that Kadabra messages use. The
 * Python agent removes a finished message by re-encoding it and LREM-ing the bytes, so
 * our client must produce exactly what `json.dumps` would.
 */

const HEX = '0123456789abcdef';

// Escapes for code units below 0x80 as Python's ensure_ascii encoder writes them
// (undefined: the character stands for itself).
const ASCII_ESCAPES: readonly (string | undefined)[] = (() => {
  const table: (string | undefined)[] = [];
  for (let c = 0; c < 0x80; c += 1) table.push(c < 0x20 || c === 0x7f ? unicodeEscape(c) : undefined);
  table[0x22] = '\\"';
  table[0x5c] = '\\\\';
  table[0x0a] = '\\n';
  table[0x0d] = '\\r';
  table[0x09] = '\\t';
  table[0x08] = '\\b';
  table[0x0c] = '\\f';
  return table;
})();

function unicodeEscape(codeUnit: number): string {
  return (
    '\\u' +
    HEX.charAt((codeUnit >> 12) & 15) +
    HEX.charAt((codeUnit >> 8) & 15) +
    HEX.charAt((codeUnit >> 4) & 15) +
    HEX.charAt(codeUnit & 15)
  );
}

/**
 * Writes a string as Python's `json.dumps(s)` does (ensure_ascii=True): quoted, with
 * `\"` `\\` `\n` `\r` `\t` `\b` `\f`, other code units below 0x20 and every code unit from
 * 0x7f up (DEL included) as lowercase `\uXXXX`, one escape per UTF-16 code unit, so astral
 * characters become surrogate pairs and lone surrogates are escaped as they are.
 *
 * @param writer - Where the JSON string literal, quotes included, is appended.
 * @param s - The string to encode.
 */
export function writePyString(writer: WireWriter, s: string): void {
  const length = s.length;
  writer.reserve(length + 2);
  let bytes = writer.bytes;
  let pos = writer.pos;
  bytes[pos++] = 0x22;
  for (let i = 0; i < length; i += 1) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) {
      bytes[pos++] = c;
      continue;
    }
    writer.pos = pos;
    const escape = c < 0x80 ? (ASCII_ESCAPES[c] as string) : unicodeEscape(c);
    // Room for this escape and, unescaped, the rest and the closing quote.
    writer.reserve(escape.length + length - i);
    bytes = writer.bytes;
    pos = writer.pos;
    for (let j = 0; j < escape.length; j += 1) bytes[pos++] = escape.charCodeAt(j);
  }
  bytes[pos++] = 0x22;
  writer.pos = pos;
}

const scratch = new WireWriter(256);

/**
 * Encodes a string as Python's `json.dumps(s)` does; see {@link writePyString}.
 *
 * @param s - The string to encode.
 * @returns The JSON string literal, quotes included.
 */
export function pyString(s: string): string {
  scratch.begin();
  writePyString(scratch, s);
  return scratch.finishText();
}

/**
 * Encodes a number as Python's `repr(float(x))` (which `json.dumps` uses for floats):
 * the shortest digits that round-trip, in fixed notation with at least one decimal
 * (`7.0`, `-0.0`, `0.30000000000000004`) when the decimal exponent is in [-4, 16), and
 * otherwise in exponent form with a sign and at least two exponent digits (`1e-05`,
 * `1e+16`, `1.5e+300`).
 *
 * @param x - A finite number.
 * @returns The Python float literal.
 * @throws InvalidArgumentError when `x` is NaN or infinite: Python would emit the bare
 *   tokens `NaN`/`Infinity`, which are not JSON and which no agent can store.
 */
export function pyFloat(x: number): string {
  if (Number.isInteger(x)) {
    if (x > -1e16 && x < 1e16) {
      if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
      return x + '.0';
    }
  } else if (!Number.isFinite(x)) {
    throw new InvalidArgumentError(
      `cannot encode ${x} as a JSON number (Python would write the non-JSON token ${
        Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity'
      }); record finite values only`,
    );
  }
  const magnitude = x < 0 ? -x : x;
  // JS and Python both print the shortest round-trip digits; they only differ in
  // where they switch to exponent notation (JS: below 1e-6 or from 1e21).
  if (magnitude >= 1e-4 && magnitude < 1e16) return String(x);
  const text = x.toExponential();
  const e = text.indexOf('e');
  return text.length - e === 3 ? text.slice(0, e + 2) + '0' + text.slice(e + 2) : text;
}

/**
 * Writes a number as Python's `repr(float(x))`; see {@link pyFloat}. Whole numbers, the
 * usual case for counters, and numbers of up to three decimals below 1e9, the usual case
 * for timers in milliseconds, are written digit by digit without building a string.
 *
 * @param writer - Where the Python float literal is appended.
 * @param x - A finite number.
 * @throws InvalidArgumentError when `x` is NaN or infinite.
 */
export function writePyFloat(writer: WireWriter, x: number): void {
  if (Number.isInteger(x) && x > -1e15 && x < 1e15 && !Object.is(x, -0)) {
    if (x < 0) writer.ascii('-');
    writer.digits(x < 0 ? -x : x);
    writer.ascii('.0');
    return;
  }
  const thousandths = x * 1000;
  // Below 1e9 doubles are far closer together than 0.001, so numbers of up to three
  // decimals are distinct doubles: when thousandths/1000 gives back x, those decimals
  // are the shortest digits that round-trip, which is what repr (and String) prints.
  if (Number.isInteger(thousandths) && thousandths / 1000 === x && x > -1e9 && x < 1e9 && x !== 0) {
    writeThousandths(writer, thousandths);
    return;
  }
  writer.ascii(pyFloat(x));
}

/** `n / 1000` for a whole `n` that is not a multiple of 1000, 0 < |n| < 1e12: `-12.34`. */
function writeThousandths(writer: WireWriter, n: number): void {
  const magnitude = n < 0 ? -n : n;
  const whole = Math.floor(magnitude / 1000);
  const fraction = magnitude - whole * 1000;
  if (n < 0) writer.ascii('-');
  writer.digits(whole);
  writer.reserve(4);
  const bytes = writer.bytes;
  let pos = writer.pos;
  bytes[pos++] = 0x2e; // .
  const hundreds = (fraction / 100) | 0;
  const tens = ((fraction - hundreds * 100) / 10) | 0;
  const ones = fraction - hundreds * 100 - tens * 10;
  bytes[pos++] = 0x30 + hundreds;
  if (tens !== 0 || ones !== 0) bytes[pos++] = 0x30 + tens;
  if (ones !== 0) bytes[pos++] = 0x30 + ones;
  writer.pos = pos;
}
