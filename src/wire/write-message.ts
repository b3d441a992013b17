import { serializationMicros } from '../time/clock.js';
import type { Counter } from '../metrics/counter.js';
import { GAUGE_MARKER, type Gauge } from '../metrics/gauge.js';
import type { Metrics } from '../metrics/metrics.js';
import { pyFloat, pyString, writePyFloat, writePyString } from './python-json.js';
import { compileTimestampFormat, type TimestampCodec } from '../time/timestamp-format.js';
import type { Timer } from '../metrics/timer.js';
import type { Unit } from '../metrics/unit.js';
import { writeTimestampJson } from './write-timestamp.js';
import { FixedText, type WireWriter } from './writer.js';
import { DEFAULT_WIRE_DIALECT, type WireDialect } from '../metrics/wire-dialect.js';

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
const GAUGES = new FixedText('], "gauges": [');
const GAUGES_AFTER_ONE = new FixedText('}], "gauges": [');
/** The marker entry that ends the metadata of a gauge carried as a counter. */
const MARKER_ENTRY = pyString(GAUGE_MARKER.key) + ': ' + pyString(GAUGE_MARKER.value);
const MARKER_ONLY = new FixedText(', "metadata": {' + MARKER_ENTRY);
const MARKER_AFTER_KEYS = new FixedText(', ' + MARKER_ENTRY);
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
 * One counter (no unit), timer or gauge of its array, from the `{` (or `}, {` after
 * another) to its value: `{"name": "latency", "unit": {...}, "metadata": {...}, "timestamp": "...", "value": 12.5`.
 * `marked`: a gauge carried as a counter, whose metadata ends with `GAUGE_MARKER` (last,
 * so that the entries keep the order a JS object gives them, integer-like keys first).
 */
function writeMetric(
  writer: WireWriter,
  codec: TimestampCodec,
  first: boolean,
  metric: Counter | Timer | Gauge,
  unit: Unit | undefined,
  marked = false,
): void {
  writer.fixed(first ? FIRST_NAME : NEXT_NAME);
  writePyString(writer, metric.name);
  if (unit !== undefined) writer.fixed(unitPartOf(unit));
  const metadata = metric.metadata;
  let noKeys = true;
  for (const key in metadata) {
    // A hand-built Gauge may hold the marker's key: written once, last (a repeated key would not survive Python's re-encoding).
    if (marked && key === GAUGE_MARKER.key) continue;
    writer.fixed(noKeys ? FIRST_KEY : NEXT_KEY);
    noKeys = false;
    writePyString(writer, key);
    writer.fixed(KEY_VALUE);
    writePyString(writer, metadata[key] as string);
  }
  if (marked) {
    writer.fixed(noKeys ? MARKER_ONLY : MARKER_AFTER_KEYS);
    noKeys = false;
  }
  writer.fixed(noKeys ? EMPTY_METADATA_TIMESTAMP : METADATA_TIMESTAMP);
  writeTimestampJson(writer, codec, metric.timestamp);
  writer.fixed(VALUE);
  writePyFloat(writer, metric.value);
}

/**
 * Writes `metrics` into `writer` as the Python Kadabra 0.5.0 client encodes them, with
 * gauges as `dialect` says (see `WireDialect`: marked counters after the counters, or a
 * `gauges` array after the timers). `serialized_at` is `metrics.serializedAt` when set,
 * otherwise now. On a throw the message is left unfinished: the writer's next `begin()`
 * discards it.
 *
 * @throws InvalidArgumentError when a value is NaN or infinite, a timestamp lies outside
 *   years 1..9999, or the timestamp format is unsupported.
 */
export function writeMessage(writer: WireWriter, metrics: Metrics, dialect: WireDialect = DEFAULT_WIRE_DIALECT): void {
  const { codec, tail } = formatPartsOf(metrics.timestampFormat);
  const { dimensions, counters, timers, gauges } = metrics;
  const gaugesAsCounters = dialect === 'python' ? gauges.length : 0;
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
  //   then, in the python dialect, {"name": "queue", "metadata": {..., "kadabra_kind": "gauge"}, ...}, ...
  for (let i = 0; i < gaugesAsCounters; i += 1) writeMetric(writer, codec, counters.length + i === 0, gauges[i]!, undefined, true);
  // "timers": [{"name": "latency", "unit": {...}, "metadata": {...}, "timestamp": "...", "value": 12.5}, ...],
  writer.fixed(counters.length + gaugesAsCounters === 0 ? TIMERS : TIMERS_AFTER_ONE);
  for (let i = 0; i < timers.length; i += 1) writeMetric(writer, codec, i === 0, timers[i]!, timers[i]!.unit);
  let lastArrayEmpty = timers.length === 0;
  // In the extended dialect, when there are gauges: "gauges": [{"name": "queue", "metadata": {...}, ...}, ...],
  if (gaugesAsCounters === 0 && gauges.length > 0) {
    writer.fixed(lastArrayEmpty ? GAUGES : GAUGES_AFTER_ONE);
    for (let i = 0; i < gauges.length; i += 1) writeMetric(writer, codec, i === 0, gauges[i]!, undefined);
    lastArrayEmpty = false;
  }
  // "timestamp_format": "...", "serialized_at": "..."}
  if (!lastArrayEmpty) writer.fixed(CLOSE);
  writer.fixed(tail);
  if (metrics.serializedAt === undefined) writeTimestampJson(writer, codec, serializationMicros());
  else writePyString(writer, metrics.serializedAt);
  writer.fixed(CLOSE);
}
