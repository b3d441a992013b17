import { compileTimestampFormat } from '../../src/time/timestamp-format.js';

/**
 * Formats microseconds since the epoch (UTC) with a strftime format, as Python's
 * `datetime.strftime` does for a naive UTC datetime. Tests only: the package compiles a
 * format once with `compileTimestampFormat` and keeps the codec.
 */
export function formatTimestamp(micros: bigint, format: string): string {
  return compileTimestampFormat(format).formatMicros(micros);
}

/**
 * Parses a time written with a strftime format, as Python's `datetime.strptime` does, to
 * microseconds since the epoch. Tests only, like `formatTimestamp`.
 */
export function parseTimestamp(text: string, format: string): bigint {
  return compileTimestampFormat(format).parse(text);
}
