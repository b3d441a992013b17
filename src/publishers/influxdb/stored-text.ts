/**
 * Where a string goes in an InfluxDB point. Each place refuses different things:
 * `measurement`, `tagKey`, `tagValue` and `fieldKey` are identifiers; `fieldValue` is a
 * quoted string field.
 */
export type TextPosition = 'measurement' | 'tagKey' | 'tagValue' | 'fieldKey' | 'fieldValue';

/**
 * The escape character of the stored form: U+241B SYMBOL FOR ESCAPE. An escape is this
 * character followed by exactly four uppercase hex digits (one UTF-16 code unit); the
 * character alone stands for the empty string.
 */
export const STORE_ESCAPE = '\u241B';

const HEX_CODE = /\u241B([0-9A-F]{4})/g;

/** The escape of one UTF-16 code unit: `␛` and its four uppercase hex digits. */
export function escapeCodeUnit(unit: number): string {
  return STORE_ESCAPE + unit.toString(16).toUpperCase().padStart(4, '0');
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/**
 * Characters InfluxDB 1.6 unescapes after a backslash in some identifier (`\"` in
 * measurements and field keys): a literal backslash before one of them cannot be kept.
 */
function isUnescapedAfterBackslash(char: string | undefined): boolean {
  return char === ',' || char === '=' || char === ' ' || char === '"';
}

/**
 * The text InfluxDB stores for `text` at `position`: `text` itself wherever InfluxDB 1.6
 * can hold it, otherwise `text` with only the offending UTF-16 code units replaced by
 * `␛XXXX` (their hex code). Replaced, everywhere:
 * - `␛` itself (so the rule is injective) and unpaired surrogates (not encodable in UTF-8);
 *
 * and in identifiers (every position but `fieldValue`):
 * - a line feed (it would end the line);
 * - a backslash that ends the text or precedes `,` `=` space or `"` (InfluxDB cannot keep
 *   a backslash before a separator, and drops or mis-indexes one before those characters);
 * - a first `#` in a measurement (the line would be a comment), a first tab or NUL in a
 *   measurement or field key (stripped as leading whitespace);
 * - the `t` of a tag or field key that is exactly `time` (rejected, or dropped silently);
 * - the empty string, stored as `␛` alone (an empty identifier is rejected).
 *
 * With `rawNewlines: false` a line feed in a string field value is replaced too: the
 * line protocol of InfluxDB 2.x/3.x forbids it, and some servers (VictoriaMetrics) end
 * the line there. InfluxDB 1.x stores it, so the `v1` API keeps it raw.
 *
 * {@link decodeStoredText} inverts it, so no two inputs share a stored form.
 */
export function encodeStoredText(text: string, position: TextPosition, rawNewlines = true): string {
  const identifier = position !== 'fieldValue';
  const newlineReplaced = identifier || !rawNewlines;
  if (identifier && text.length === 0) return STORE_ESCAPE;
  const keyNamedTime = (position === 'tagKey' || position === 'fieldKey') && text === 'time';
  let out = '';
  let plainFrom = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    let replace = false;
    if (unit === 0x241b) {
      replace = true;
    } else if (isHighSurrogate(unit)) {
      if (i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
        i += 1;
        continue;
      }
      replace = true;
    } else if (isLowSurrogate(unit)) {
      replace = true;
    } else if (unit === 0x0a) {
      replace = newlineReplaced;
    } else if (identifier) {
      if (unit === 0x5c) replace = i === text.length - 1 || isUnescapedAfterBackslash(text[i + 1]);
      else if (i === 0) {
        replace =
          keyNamedTime ||
          (position === 'measurement' && unit === 0x23) ||
          ((position === 'measurement' || position === 'fieldKey') && (unit === 0x09 || unit === 0x00));
      }
    }
    if (replace) {
      out += text.slice(plainFrom, i) + escapeCodeUnit(unit);
      plainFrom = i + 1;
    }
  }
  return plainFrom === 0 ? text : out + text.slice(plainFrom);
}

/**
 * The original text of a stored measurement, tag key or value, field key or string
 * value written by this publisher: `␛` alone is the empty string, and every `␛XXXX`
 * is the UTF-16 code unit with that hex code. The inverse of {@link encodeStoredText}.
 */
export function decodeStoredText(stored: string): string {
  if (stored === STORE_ESCAPE) return '';
  if (!stored.includes(STORE_ESCAPE)) return stored;
  return stored.replace(HEX_CODE, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
