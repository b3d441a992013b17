import { serializationMicros } from './clock.js';
import type { Metadata } from './metadata.js';
import type { MessageParts } from './message-parts.js';
import type { Metrics } from './metrics.js';
import { compileTimestampFormat, type TimestampCodec } from './timestamp-format.js';
import type { Unit } from './unit.js';

/*
 * The layout of a message on the wire: Python's `json.dumps(metrics.serialize())`
 * (key order, `", "`/`": "` separators), told as fixed and variable parts so that a
 * template can copy the fixed ones. Which parts are fixed is a choice: whatever
 * usually repeats between messages from the same code (syntax, names, metadata keys,
 * units, the format); values that usually change (dimension and metadata values too)
 * are variable.
 */

const bytesOf = (text: string): Uint8Array => Buffer.from(text, 'latin1');
// The constant parts between the others, merged as far as they allow: each is one copy
// of native memory, where a JS loop costs a store per byte.
const OPEN = bytesOf('{"dimensions": [');
const FIRST_NAME = bytesOf('{"name": ');
const NEXT_NAME = bytesOf('}, {"name": ');
const VALUE = bytesOf(', "value": ');
const COUNTERS = bytesOf('], "counters": [');
const COUNTERS_AFTER_ONE = bytesOf('}], "counters": [');
const FIRST_KEY = bytesOf(', "metadata": {');
const NEXT_KEY = bytesOf(', ');
const KEY_VALUE = bytesOf(': ');
const EMPTY_METADATA_TIMESTAMP = bytesOf(', "metadata": {}, "timestamp": ');
const METADATA_TIMESTAMP = bytesOf('}, "timestamp": ');
const TIMERS = bytesOf('], "timers": [');
const TIMERS_AFTER_ONE = bytesOf('}], "timers": [');
const UNIT = bytesOf(', "unit": ');
const FORMAT = bytesOf('], "timestamp_format": ');
const FORMAT_AFTER_ONE = bytesOf('}], "timestamp_format": ');
const SERIALIZED_AT = bytesOf(', "serialized_at": ');
const CLOSE = bytesOf('}');

function writeMetadataAndTimestamp(parts: MessageParts, metadata: Metadata): void {
  let first = true;
  for (const key in metadata) {
    parts.fixed(first ? FIRST_KEY : NEXT_KEY);
    first = false;
    parts.fixedString(key);
    parts.fixed(KEY_VALUE);
    parts.variableString(metadata[key] as string);
  }
  parts.fixed(first ? EMPTY_METADATA_TIMESTAMP : METADATA_TIMESTAMP);
}

/** A counter (no unit) or a timer, in its array: `{"name": ..., "value": ...}`. */
function writeMetric(
  parts: MessageParts,
  codec: TimestampCodec,
  first: boolean,
  name: string,
  unit: Unit | undefined,
  metadata: Metadata,
  timestamp: bigint,
  value: number,
): void {
  parts.fixed(first ? FIRST_NAME : NEXT_NAME);
  parts.fixedString(name);
  if (unit !== undefined) {
    parts.fixed(UNIT);
    parts.fixedUnit(unit);
  }
  writeMetadataAndTimestamp(parts, metadata);
  parts.variableTime(codec, timestamp);
  parts.fixed(VALUE);
  parts.variableFloat(value);
}

let lastFormat: string | undefined;
let lastCodec: TimestampCodec | undefined;

function codecOf(format: string): TimestampCodec {
  if (format !== lastFormat || lastCodec === undefined) {
    lastCodec = compileTimestampFormat(format);
    lastFormat = format;
  }
  return lastCodec;
}

/**
 * Writes `metrics` as the Python Kadabra 0.5.0 client encodes them, part by part, into
 * `parts`. `serialized_at` is `metrics.serializedAt` when set, otherwise now.
 *
 * @returns `parts.end()`: false when `parts` follows a template the message does not fit.
 * @throws InvalidArgumentError when a value is NaN or infinite, a timestamp lies outside
 *   years 1..9999, or the timestamp format is unsupported.
 */
export function writeMessage(parts: MessageParts, metrics: Metrics): boolean {
  const codec = codecOf(metrics.timestampFormat);
  const { dimensions, counters, timers } = metrics;
  parts.fixed(OPEN);
  for (let i = 0; i < dimensions.length; i += 1) {
    const d = dimensions[i]!;
    parts.fixed(i === 0 ? FIRST_NAME : NEXT_NAME);
    parts.fixedString(d.name);
    parts.fixed(VALUE);
    parts.variableString(d.value);
  }
  parts.fixed(dimensions.length === 0 ? COUNTERS : COUNTERS_AFTER_ONE);
  for (let i = 0; i < counters.length; i += 1) {
    const c = counters[i]!;
    writeMetric(parts, codec, i === 0, c.name, undefined, c.metadata, c.timestamp, c.value);
  }
  parts.fixed(counters.length === 0 ? TIMERS : TIMERS_AFTER_ONE);
  for (let i = 0; i < timers.length; i += 1) {
    const t = timers[i]!;
    writeMetric(parts, codec, i === 0, t.name, t.unit, t.metadata, t.timestamp, t.value);
  }
  parts.fixed(timers.length === 0 ? FORMAT : FORMAT_AFTER_ONE);
  parts.fixedString(metrics.timestampFormat);
  parts.fixed(SERIALIZED_AT);
  if (metrics.serializedAt === undefined) parts.variableTime(codec, serializationMicros());
  else parts.variableString(metrics.serializedAt);
  parts.fixed(CLOSE);
  return parts.end();
}
