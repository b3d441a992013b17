import { escapeCodeUnit } from '../influxdb/stored-text.js';

export { decodeStoredText as decodePostgresText } from '../influxdb/stored-text.js';

// NUL is the point: PostgreSQL cannot store it.
// eslint-disable-next-line no-control-regex
const NEEDS_MAPPING = /[\u0000\u241B\uD800-\uDFFF]/;

/**
 * The text PostgreSQL stores for `text` (in a `text` column and in `jsonb` keys and
 * values alike): `text` itself unless it holds what PostgreSQL cannot store, a NUL
 * (U+0000) or an unpaired surrogate (not encodable in UTF-8), or the escape character.
 * Those UTF-16 code units, and only those, become `␛XXXX` (U+241B and four uppercase hex
 * digits): the same escape the InfluxDB publisher uses, so `decodePostgresText` (the
 * InfluxDB publisher's `decodeStoredText`) inverts it and no two texts share a stored form.
 */
export function encodePostgresText(text: string): string {
  if (!NEEDS_MAPPING.test(text)) return text;
  let out = '';
  let plainFrom = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    let replace = unit === 0 || unit === 0x241b;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        i += 1;
        continue;
      }
      replace = true;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      replace = true;
    }
    if (replace) {
      out += text.slice(plainFrom, i) + escapeCodeUnit(unit);
      plainFrom = i + 1;
    }
  }
  return out + text.slice(plainFrom);
}

const COPY_SPECIAL = /[\\\n\r\t]/;
const COPY_SPECIAL_ALL = /[\\\n\r\t]/g;
const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` as one field of COPY's text format: backslash, line feed, carriage return and tab escaped. */
export function copyField(text: string): string {
  return COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIAL_ALL, (char) => COPY_ESCAPES[char] as string) : text;
}

/** A JSON object of `entries` in their stored form (a repeated key: `jsonb` keeps the last). */
export function jsonObject(entries: Iterable<readonly [string, string]>): string {
  let out = '{';
  for (const [key, value] of entries) {
    if (out.length > 1) out += ',';
    out += JSON.stringify(encodePostgresText(key)) + ':' + JSON.stringify(encodePostgresText(value));
  }
  return out + '}';
}
