import { DEFAULT_TIMESTAMP_FORMAT, DEFAULT_TIMESTAMP_JSON_LENGTH, writeDefaultTimestampJson } from '../time/default-timestamp.js';
import { writePyString } from './python-json.js';
import type { TimestampCodec } from '../time/timestamp-format.js';
import type { WireWriter } from './writer.js';

/**
 * Writes a timestamp as a JSON string, as Python's `json.dumps` writes the text
 * `datetime.strftime` gives. The default format is written straight into the buffer
 * (the date part cached per day); any other format goes through its text.
 *
 * @throws InvalidArgumentError when the time lies outside years 1..9999.
 */
export function writeTimestampJson(writer: WireWriter, codec: TimestampCodec, micros: bigint): void {
  if (codec.format === DEFAULT_TIMESTAMP_FORMAT) {
    const n = Number(micros);
    if (n >= 0 && n <= Number.MAX_SAFE_INTEGER) {
      writer.reserve(DEFAULT_TIMESTAMP_JSON_LENGTH);
      writeDefaultTimestampJson(writer.view, writer.pos, n);
      writer.pos += DEFAULT_TIMESTAMP_JSON_LENGTH;
      return;
    }
  }
  writePyString(writer, codec.formatMicros(micros));
}
