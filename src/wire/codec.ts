import { WireFormatError } from '../errors/wire-format-error.js';
import { Metrics } from '../metrics/metrics.js';
import { WireWriter } from './writer.js';
import { writeMessage } from './write-message.js';
import { DEFAULT_WIRE_DIALECT, type WireDialect } from '../metrics/wire-dialect.js';

/*
 * The bytes on the channel. Encoding reproduces Python's
 * `json.dumps(metrics.serialize())` exactly (key order, `", "`/`": "` separators,
 * ensure_ascii escapes, float repr), because the Python agent removes a finished
 * message by re-encoding it and LREM-ing those bytes. Written straight as bytes (the
 * result is ASCII), without an intermediate object graph or strings: this runs on every
 * send. The layout is in write-message.ts.
 */

/**
 * Encodes metrics as {@link encodeMetrics} does, as bytes at the end of `writer`'s slabs:
 * what `Kadabra.send()` does with every message.
 *
 * @param writer - Where the message is written.
 * @param metrics - The metrics to encode.
 * @param dialect - How gauges are written: the channel's `WireDialect` (default `'python'`).
 * @returns The message's bytes (ASCII only), a view that stays valid for as long as it is held.
 * @throws InvalidArgumentError as {@link encodeMetrics} does; nothing is written then.
 */
export function encodeMetricsTo(writer: WireWriter, metrics: Metrics, dialect: WireDialect = DEFAULT_WIRE_DIALECT): Buffer {
  writer.begin();
  writeMessage(writer, metrics, dialect);
  return writer.finish();
}

const textWriter = new WireWriter(4096);

/**
 * Encodes metrics exactly as the Python Kadabra 0.5.0 client would. `serialized_at` is
 * `metrics.serializedAt` when set, otherwise now (UTC) in the message's format. Gauges,
 * which the original does not know, are written as `dialect` says (see `WireDialect`);
 * in the default `'python'` dialect the original still re-encodes the message byte for byte.
 *
 * @param metrics - The metrics to encode.
 * @param dialect - How gauges are written (default `'python'`).
 * @returns The JSON text (ASCII only).
 * @throws InvalidArgumentError when a value is NaN or infinite, a timestamp lies outside
 *   years 1..9999, or the timestamp format is unsupported.
 */
export function encodeMetrics(metrics: Metrics, dialect: WireDialect = DEFAULT_WIRE_DIALECT): string {
  textWriter.begin();
  writeMessage(textWriter, metrics, dialect);
  return textWriter.finishText();
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const NON_JSON_NUMBER = /(?:^|[[:,])\s*-?(?:NaN|Infinity)\b/;

/**
 * Decodes a message in any valid JSON encoding: any key order, compact or spaced
 * separators, integer values, raw UTF-8 or `\u` escapes, `serialized_at` missing.
 * Timestamps are parsed with the message's own `timestamp_format`; a timer keeps the
 * wire `value` as it is, so `encodeMetrics(decodeMetrics(b))` gives back the Python
 * client's bytes `b`. (Not for foreign messages whose metadata has array-index-like keys
 * such as `"2"` after other keys: JS objects list those first. The agent removes the
 * bytes it received and never relies on a re-encoding.)
 *
 * @param raw - The message bytes (UTF-8) or text.
 * @returns The metrics.
 * @throws WireFormatError with the reason: not UTF-8, not JSON (including the bare
 *   `NaN`/`Infinity` tokens Python emits for non-finite floats), or the path of a
 *   missing or mistyped key.
 */
export function decodeMetrics(raw: Uint8Array | string): Metrics {
  let text: string;
  if (typeof raw === 'string') {
    text = raw;
  } else {
    try {
      text = utf8.decode(raw);
    } catch {
      throw new WireFormatError(`not UTF-8: the ${raw.length}-byte message contains invalid UTF-8 sequences`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const hint = NON_JSON_NUMBER.test(text) ? ' (NaN/Infinity are not valid JSON)' : '';
    throw new WireFormatError(`not JSON: ${reason}${hint}`);
  }
  return Metrics.deserialize(value);
}
