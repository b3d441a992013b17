import { serializationMicros } from '../time/clock.js';
import type { Counter } from '../metrics/counter.js';
import type { Metrics } from '../metrics/metrics.js';
import { pyFloat, pyString, writePyFloat, writePyString } from './python-json.js';
import { compileTimestampFormat, type TimestampCodec } from '../time/timestamp-format.js';
import type { Timer } from '../metrics/timer.js';
import type { Unit } from '../metrics/unit.js';
import { writeTimestampJson } from './write-timestamp.js';
import { FixedText, type WireWriter } from './writer.js';

/*
 * The layout of a message on the wire: Python's `json.dumps(metrics.serialize())`
 * (key order, `", "`/`": "` separators), written in one pass, top to bottom, by
 * `writeMessage` below. Runs of JSON syntax are constants, and what depends only on a
 * unit or on the timestamp format is rendered once and kept; names, keys and values are
 * written as they come.
 */

const OPEN = new FixedText('{"dimensions": [');
const FIRST_NAME = new FixedText('{"name": ');
const NEXT_NAME = new FixedText('}, {"name": ');
const VALUE = new FixedText(', "value": ');
const COUNTERS = new FixedText('], "counters": [');
const COUNTERS_AFTER_ONE = new FixedText('}], "counters": [');
const FIRST_KEY = new FixedText(', "metadata": {');
const NEXT_KEY = new FixedText(', ');
const KEY_VALUE = new FixedText(': ');
const EMPTY_METADATA_TIMESTAMP = new FixedText(', "metadata": {}, "timestamp": ');
const METADATA_TIMESTAMP = new FixedText('}, "timestamp": ');
const TIMERS = new FixedText('], "timers": [');
const TIMERS_AFTER_ONE = new FixedText('}], "timers": [');
const CLOSE = new FixedText('}');

/** What a message's timestamp format decides: how times are written, and the bytes from the end of `timers` to the `serialized_at` value. */
interface FormatParts {
  readonly format: string;
  readonly codec: TimestampCodec;
  /** `], "timestamp_format": "<format>", "serialized_at": `. */
  readonly tail: FixedText;
}

const MAX_FORMATS = 64;
const formatParts = new Map<string, FormatParts>();
// Most messages use the format of the one before: checked before the map.
let lastFormat: FormatParts | undefined;

function formatPartsOf(format: string): FormatParts {
  if (lastFormat !== undefined && lastFormat.format === format) return lastFormat;
  let parts = formatParts.get(format);
  if (parts === undefined) {
    const codec = compileTimestampFormat(format);
    parts = { format, codec, tail: new FixedText('], "timestamp_format": ' + pyString(format) + ', "serialized_at": ') };
    // Formats come from configuration and from messages on the wire: bound the cache.
    if (formatParts.size >= MAX_FORMATS) formatParts.delete(formatParts.keys().next().value as string);
    formatParts.set(format, parts);
  }
  lastFormat = parts;
  return parts;
}

// `, "unit": {...}` of each unit: the same bytes for every timer in that unit.
const unitParts = new Map<Unit, FixedText>();

function unitPartOf(unit: Unit): FixedText {
  let part = unitParts.get(unit);
  if (part === undefined) {
    part = new FixedText(', "unit": {"name": ' + pyString(unit.name) + ', "seconds_offset": ' + pyFloat(unit.secondsOffset) + '}');
    // Units are few (the constants in `Units`); anything else is not remembered forever.
    if (unitParts.size < 64) unitParts.set(unit, part);
  }
  return part;
}

/**
 * One counter (no unit) or timer of its array, from the `{` (or `}, {` after another) to
 * its value: `{"name": "latency", "unit": {...}, "metadata": {...}, "timestamp": "...", "value": 12.5`.
 */
function writeMetric(writer: WireWriter, codec: TimestampCodec, first: boolean, metric: Counter | Timer, unit: Unit | undefined): void {
  writer.fixed(first ? FIRST_NAME : NEXT_NAME);
  writePyString(writer, metric.name);
  if (unit !== undefined) writer.fixed(unitPartOf(unit));
  const metadata = metric.metadata;
  let noKeys = true;
  for (const key in metadata) {
    writer.fixed(noKeys ? FIRST_KEY : NEXT_KEY);
    noKeys = false;
    writePyString(writer, key);
    writer.fixed(KEY_VALUE);
    writePyString(writer, metadata[key] as string);
  }
  writer.fixed(noKeys ? EMPTY_METADATA_TIMESTAMP : METADATA_TIMESTAMP);
  writeTimestampJson(writer, codec, metric.timestamp);
  writer.fixed(VALUE);
  writePyFloat(writer, metric.value);
}

/**
 * Writes `metrics` into `writer` as the Python Kadabra 0.5.0 client encodes them.
 * `serialized_at` is `metrics.serializedAt` when set, otherwise now. On a throw the
 * message is left unfinished: the writer's next `begin()` discards it.
 *
 * @throws InvalidArgumentError when a value is NaN or infinite, a timestamp lies outside
 *   years 1..9999, or the timestamp format is unsupported.
 */
export function writeMessage(writer: WireWriter, metrics: Metrics): void {
  const { codec, tail } = formatPartsOf(metrics.timestampFormat);
  const { dimensions, counters, timers } = metrics;
  // {"dimensions": [{"name": "service", "value": "checkout"}, ...],
  writer.fixed(OPEN);
  for (let i = 0; i < dimensions.length; i += 1) {
    const d = dimensions[i]!;
    writer.fixed(i === 0 ? FIRST_NAME : NEXT_NAME);
    writePyString(writer, d.name);
    writer.fixed(VALUE);
    writePyString(writer, d.value);
  }
  // "counters": [{"name": "requests", "metadata": {...}, "timestamp": "...", "value": 1.0}, ...],
  writer.fixed(dimensions.length === 0 ? COUNTERS : COUNTERS_AFTER_ONE);
  for (let i = 0; i < counters.length; i += 1) writeMetric(writer, codec, i === 0, counters[i]!, undefined);
  // "timers": [{"name": "latency", "unit": {...}, "metadata": {...}, "timestamp": "...", "value": 12.5}, ...],
  writer.fixed(counters.length === 0 ? TIMERS : TIMERS_AFTER_ONE);
  for (let i = 0; i < timers.length; i += 1) writeMetric(writer, codec, i === 0, timers[i]!, timers[i]!.unit);
  // "timestamp_format": "...", "serialized_at": "..."}
  if (timers.length > 0) writer.fixed(CLOSE);
  writer.fixed(tail);
  if (metrics.serializedAt === undefined) writeTimestampJson(writer, codec, serializationMicros());
  else writePyString(writer, metrics.serializedAt);
  writer.fixed(CLOSE);
}
