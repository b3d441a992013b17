import { WireFormatError } from '../errors/wire-format-error.js';
import { serializationMicros } from './clock.js';
import type { Metadata } from './counter.js';
import { Metrics } from './metrics.js';
import { writePyFloat, writePyString } from './python-json.js';
import { compileTimestampFormat } from './timestamp-format.js';
import type { Unit } from './unit.js';
import { WireWriter } from './wire-writer.js';

/*
 * The bytes on the channel. Encoding reproduces Python's
 * `json.dumps(metrics.serialize())` exactly (key order, `", "`/`": "` separators,
 * ensure_ascii escapes, float repr), because the Python agent removes a finished
 * message by re-encoding it and LREM-ing those bytes. Written straight as bytes (the
 * result is ASCII), without an intermediate object graph or strings: this runs on every
 * send.
 */

const bytesOf = (text: string): Uint8Array => Buffer.from(text, 'latin1');
// The constant parts between the values, merged as far as the values allow: each is
// one copy of native memory, where a JS loop costs a store per byte.
const OPEN = bytesOf('{"dimensions": [');
const FIRST_NAME = bytesOf('{"name": ');
const NEXT_NAME = bytesOf('}, {"name": ');
const VALUE = bytesOf(', "value": ');
const COUNTERS = bytesOf('], "counters": [');
const COUNTERS_AFTER_ONE = bytesOf('}], "counters": [');
const EMPTY_METADATA_TIMESTAMP = bytesOf(', "metadata": {}, "timestamp": ');
const TIMESTAMP = bytesOf(', "timestamp": ');
const TIMERS = bytesOf('], "timers": [');
const TIMERS_AFTER_ONE = bytesOf('}], "timers": [');
const UNIT = bytesOf(', "unit": ');
const FORMAT = bytesOf('], "timestamp_format": ');
const FORMAT_AFTER_ONE = bytesOf('}], "timestamp_format": ');
const SERIALIZED_AT = bytesOf(', "serialized_at": ');

function writeMetadataAndTimestamp(writer: WireWriter, metadata: Metadata): void {
  let first = true;
  for (const key in metadata) {
    writer.ascii(first ? ', "metadata": {' : ', ');
    first = false;
    writePyString(writer, key);
    writer.ascii(': ');
    writePyString(writer, metadata[key] as string);
  }
  if (first) {
    writer.raw(EMPTY_METADATA_TIMESTAMP);
  } else {
    writer.ascii('}');
    writer.raw(TIMESTAMP);
  }
}

// A timer's unit as JSON, the same bytes for every timer in that unit.
const unitJson = new Map<Unit, Uint8Array>();

function writeUnit(writer: WireWriter, unit: Unit): void {
  let json = unitJson.get(unit);
  if (json === undefined) {
    const scratch = new WireWriter(64);
    scratch.ascii('{"name": ');
    writePyString(scratch, unit.name);
    scratch.ascii(', "seconds_offset": ');
    writePyFloat(scratch, unit.secondsOffset);
    scratch.ascii('}');
    json = scratch.finish();
    // Units are few (the constants in `Units`); anything else is not remembered forever.
    if (unitJson.size < 64) unitJson.set(unit, json);
  }
  writer.raw(json);
}

function writeMetrics(writer: WireWriter, metrics: Metrics): void {
  const codec = compileTimestampFormat(metrics.timestampFormat);
  const { dimensions, counters, timers } = metrics;
  writer.raw(OPEN);
  for (let i = 0; i < dimensions.length; i += 1) {
    const d = dimensions[i]!;
    writer.raw(i === 0 ? FIRST_NAME : NEXT_NAME);
    writePyString(writer, d.name);
    writer.raw(VALUE);
    writePyString(writer, d.value);
  }
  writer.raw(dimensions.length === 0 ? COUNTERS : COUNTERS_AFTER_ONE);
  for (let i = 0; i < counters.length; i += 1) {
    const c = counters[i]!;
    writer.raw(i === 0 ? FIRST_NAME : NEXT_NAME);
    writePyString(writer, c.name);
    writeMetadataAndTimestamp(writer, c.metadata);
    codec.writeJson(writer, c.timestamp);
    writer.raw(VALUE);
    writePyFloat(writer, c.value);
  }
  writer.raw(counters.length === 0 ? TIMERS : TIMERS_AFTER_ONE);
  for (let i = 0; i < timers.length; i += 1) {
    const t = timers[i]!;
    writer.raw(i === 0 ? FIRST_NAME : NEXT_NAME);
    writePyString(writer, t.name);
    writer.raw(UNIT);
    writeUnit(writer, t.unit);
    writeMetadataAndTimestamp(writer, t.metadata);
    codec.writeJson(writer, t.timestamp);
    writer.raw(VALUE);
    writePyFloat(writer, t.value);
  }
  writer.raw(timers.length === 0 ? FORMAT : FORMAT_AFTER_ONE);
  writePyString(writer, metrics.timestampFormat);
  writer.raw(SERIALIZED_AT);
  if (metrics.serializedAt === undefined) codec.writeJson(writer, serializationMicros());
  else writePyString(writer, metrics.serializedAt);
  writer.ascii('}');
}

/**
 * Encodes metrics as bytes into `writer`, exactly as the Python Kadabra 0.5.0 client
 * would; see {@link encodeMetrics}.
 *
 * @param writer - Where the message is written.
 * @param metrics - The metrics to encode.
 * @returns The message's bytes (ASCII only), a view into the writer's slab.
 * @throws InvalidArgumentError as {@link encodeMetrics} does; nothing is written then.
 */
export function encodeMetricsTo(writer: WireWriter, metrics: Metrics): Buffer {
  writer.begin();
  writeMetrics(writer, metrics);
  return writer.finish();
}

const textWriter = new WireWriter(4096);

/**
 * Encodes metrics exactly as the Python Kadabra 0.5.0 client would. `serialized_at` is
 * `metrics.serializedAt` when set, otherwise now (UTC) in the message's format.
 *
 * @param metrics - The metrics to encode.
 * @returns The JSON text (ASCII only).
 * @throws InvalidArgumentError when a value is NaN or infinite, a timestamp lies outside
 *   years 1..9999, or the timestamp format is unsupported.
 */
export function encodeMetrics(metrics: Metrics): string {
  textWriter.begin();
  writeMetrics(textWriter, metrics);
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
