import type { InfluxFieldValue, InfluxPoint } from './influx-point.js';

function escapeMeasurement(text: string): string {
  return text.replace(/[, ]/g, '\\$&');
}

function escapeKey(text: string): string {
  return text.replace(/[,= ]/g, '\\$&');
}

function formatFieldValue(value: InfluxFieldValue): string {
  // A number without the `i` suffix is a float; String() gives Go-parsable forms (1e+21, 5e-324).
  if (typeof value === 'number') return String(value);
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * One line of InfluxDB line protocol for `point` (no trailing newline), by the rules of
 * line protocol: measurement, tags and field keys backslash-escaped, string fields quoted
 * with `"` and `\` escaped, line feeds inside string fields as the point holds them,
 * nanosecond timestamp.
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
