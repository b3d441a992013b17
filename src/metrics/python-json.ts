import { InvalidArgumentError } from '../errors/invalid-argument-error.js';

/*
 * The pieces of Python's `json.dumps` (default arguments) that Kadabra messages use. The
 * Python agent removes a finished message by re-encoding it and LREM-ing the bytes, so
 * our client must produce exactly what `json.dumps` would.
 */

// Printable ASCII minus `"` and `\`: such strings are emitted as they are.
const SAFE_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

const HEX = '0123456789abcdef';

// Escapes for code units below 0x80 as Python's ensure_ascii encoder writes them.
const ASCII_ESCAPES: readonly string[] = (() => {
  const table: string[] = [];
  for (let c = 0; c < 0x80; c += 1) table.push(c < 0x20 || c === 0x7f ? unicodeEscape(c) : String.fromCharCode(c));
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
 * Encodes a string as Python's `json.dumps(s)` does (ensure_ascii=True): quoted, with
 * `\"` `\\` `\n` `\r` `\t` `\b` `\f`, other code units below 0x20 and every code unit from
 * 0x7f up (DEL included) as lowercase `\uXXXX`, one escape per UTF-16 code unit, so astral
 * characters become surrogate pairs and lone surrogates are escaped as they are.
 *
 * @param s - The string to encode.
 * @returns The JSON string literal, quotes included.
 */
export function pyString(s: string): string {
  if (SAFE_ASCII.test(s)) return '"' + s + '"';
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i += 1) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) continue;
    if (i > start) out += s.slice(start, i);
    out += c < 0x80 ? (ASCII_ESCAPES[c] as string) : unicodeEscape(c);
    start = i + 1;
  }
  if (start < s.length) out += s.slice(start);
  return out + '"';
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
