import type { InfluxFieldValue, InfluxPoint } from './influx-point.js';

// A stored identifier never holds a line feed, nor a backslash before these characters
// or at its end (encodeStoredText replaced them), so a backslash before each of them
// is always read back as exactly that character.
const MEASUREMENT_SPECIALS = /[, ]/g;
const KEY_SPECIALS = /[,= ]/g;
const STRING_SPECIALS = /["\\]/g;

/** A stored measurement name as line protocol writes it. */
export function escapeMeasurement(text: string): string {
  return text.replace(MEASUREMENT_SPECIALS, '\\$&');
}

/** A stored tag key, tag value or field key as line protocol writes it. */
export function escapeKey(text: string): string {
  return text.replace(KEY_SPECIALS, '\\$&');
}

/** A field value as line protocol writes it: a float, or a quoted string. */
export function formatFieldValue(value: InfluxFieldValue): string {
  // A number without the `i` suffix is a float; String() gives Go-parsable forms (1e+21, 5e-324).
  if (typeof value === 'number') return String(value);
  return `"${value.replace(STRING_SPECIALS, '\\$&')}"`;
}

/**
 * One line of InfluxDB line protocol for `point` (no trailing newline): measurement,
 * tags and field keys backslash-escaped, string fields quoted with `"` and `\` escaped,
 * line feeds inside string fields kept raw (InfluxDB stores them), nanosecond timestamp.
 */
export function formatLine(point: InfluxPoint): string {
  let line = escapeMeasurement(point.measurement);
  for (const [key, value] of point.tags) line += `,${escapeKey(key)}=${escapeKey(value)}`;
  let separator = ' ';
  for (const [key, value] of point.fields) {
    line += `${separator}${escapeKey(key)}=${formatFieldValue(value)}`;
    separator = ',';
  }
  return `${line} ${point.timestampNs}`;
}
