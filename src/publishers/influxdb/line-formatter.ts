import type { Metadata } from '../../metrics/metadata.js';
import type { Metrics } from '../../metrics/metrics.js';
import { GAUGE_MARKER } from '../../metrics/gauge.js';
import { compareCodePoints } from './compare-code-points.js';
import { PointTimestamps } from './point-timestamps.js';
import { mayExceedKeyLimit, oversizedKeyReason } from './series-key-limit.js';
import { encodeStoredText } from './stored-text.js';

/** Entries a cache holds before it starts afresh: a fleet's names and tag sets are few. */
const CACHE_ENTRIES = 10_000;
/** Longer texts are not cached (a multi-megabyte tag value must not stay in memory). */
const CACHED_TEXT_LENGTH = 256;

// A stored identifier never holds a line feed, nor a backslash before these characters
// or at its end (encodeStoredText replaced them), so a backslash before each of them
// is always read back as exactly that character.
const MEASUREMENT_SPECIALS = /[, ]/g;
const KEY_SPECIALS = /[,= ]/g;
const STRING_SPECIALS = /["\\]/g;
/** Field values that `encodeStoredText` or the quoting could change. */
const STRING_FIELD_SPECIALS = /["\\\n\u241b\ud800-\udfff]/;

/** A stored tag key, tag value or field key as line protocol writes it. */
function escapeKey(text: string): string {
  return text.replace(KEY_SPECIALS, '\\$&');
}

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  if (key.length <= CACHED_TEXT_LENGTH) {
    if (cache.size >= CACHE_ENTRIES) cache.clear();
    cache.set(key, value);
  }
  return value;
}

/** A tag or field key: in stored form (what InfluxDB sorts by), and escaped as line protocol writes it. */
interface StoredKey {
  readonly stored: string;
  readonly escaped: string;
}

/** A tag or field: its key, its value as line protocol writes it. */
interface StoredField extends StoredKey {
  readonly text: string;
}

function storedKey(stored: string): StoredKey {
  return { stored, escaped: escapeKey(stored) };
}

/** Insertion sort by the bytes of the stored key: a metric has a handful of fields, and Array.prototype.sort allocates a work array per call. */
function sortByStoredKey(fields: StoredField[]): void {
  for (let i = 1; i < fields.length; i += 1) {
    const field = fields[i] as StoredField;
    let j = i - 1;
    while (j >= 0 && compareCodePoints((fields[j] as StoredField).stored, field.stored) > 0) {
      fields[j + 1] = fields[j] as StoredField;
      j -= 1;
    }
    fields[j + 1] = field;
  }
}

/** The string field a kind of metric adds beside `value`: a timer's `unit`, a gauge's marker. */
interface KindField {
  readonly key: string;
  readonly value: string;
}

const GAUGE_FIELD: KindField = GAUGE_MARKER;

/** Whether two lists of dimensions hold the same names and values in the same order. */
function sameDimensions(a: Metrics['dimensions'], b: Metrics['dimensions']): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) {
    const x = a[i] as Metrics['dimensions'][number];
    const y = b[i] as Metrics['dimensions'][number];
    if (x.name !== y.name || x.value !== y.value) return false;
  }
  return true;
}

function hasEntries(metadata: Metadata): boolean {
  for (const key in metadata) if (Object.hasOwn(metadata, key)) return true;
  return false;
}

/** The lines of one message, and whether InfluxDB can store them. */
export interface MessageLines {
  /** One line per timer, then one per counter, then one per gauge (none for an empty message). */
  readonly lines: readonly string[];
  /** Why InfluxDB can never store one of the lines (a key longer than it stores), or undefined. */
  readonly unstorable: string | undefined;
}

/**
 * Writes messages as InfluxDB line protocol, one point per timer, then one per counter,
 * then one per gauge:
 * - measurement = the metric's name; tags = the message's dimensions (a repeated name
 *   keeps its last value, as a Python dict would), sorted by the bytes of their keys;
 * - fields, sorted likewise: metadata as string fields, a timer's `unit`, a gauge's
 *   marker `kadabra_kind="gauge"` (`GAUGE_MARKER`: what a Python agent writes for a
 *   gauge carried as a marked counter), the float `value` (`value`, `unit` and the
 *   marker win over metadata of that name, as `value` and `unit` do in the original);
 * - every string in its stored form (`encodeStoredText`), then escaped: `,` and space in
 *   a measurement, also `=` in keys and tags, `"` and `\` in quoted string fields; line
 *   feeds in string fields kept raw for InfluxDB 1.x (`rawNewlines`), replaced otherwise;
 * - a nanosecond timestamp from `PointTimestamps`.
 *
 * The agent's hot path: measurements and tag sets repeat from message to message, so
 * their written forms are remembered; a metric without metadata skips the field sorting,
 * and a string field with nothing to escape is quoted as it is. While it writes a line it
 * knows its series key and field keys, so it checks them against InfluxDB's key limit.
 */
export class LineFormatter {
  private readonly measurements = new Map<string, string>();
  private readonly tagSets = new Map<string, string>();
  private readonly fieldKeys = new Map<string, StoredKey>();
  /** The last tag set written, and the dimensions it was written for: consecutive messages mostly share them. */
  private lastTags: { readonly dimensions: Metrics['dimensions']; readonly text: string } | undefined;

  /** @param rawNewlines keep line feeds raw in string fields (InfluxDB 1.x); false replaces them. */
  constructor(private readonly rawNewlines: boolean) {}

  /** The lines of `metrics`, at `timestamps` (default: those of the message alone in its batch). */
  format(metrics: Metrics, timestamps?: PointTimestamps): MessageLines {
    const { timers, counters, gauges } = metrics;
    const lines: string[] = [];
    let unstorable: string | undefined;
    if (timers.length + counters.length + gauges.length === 0) return { lines, unstorable };
    const times = timestamps ?? new PointTimestamps(metrics);
    const tags = this.tagSet(metrics.dimensions);
    for (const timer of timers) {
      const time = times.text(timer.timestamp, lines.length);
      const reason = this.addLine(lines, this.measurement(timer.name) + tags, timer.metadata, timer.value, { key: 'unit', value: timer.unit.name }, time);
      unstorable ??= reason;
    }
    for (const counter of counters) {
      const time = times.text(counter.timestamp, lines.length);
      const reason = this.addLine(lines, this.measurement(counter.name) + tags, counter.metadata, counter.value, undefined, time);
      unstorable ??= reason;
    }
    for (const gauge of gauges) {
      const time = times.text(gauge.timestamp, lines.length);
      const reason = this.addLine(lines, this.measurement(gauge.name) + tags, gauge.metadata, gauge.value, GAUGE_FIELD, time);
      unstorable ??= reason;
    }
    return { lines, unstorable };
  }

  /**
   * Adds the line of one metric to `lines`.
   * @returns why InfluxDB can never store it (a key too long), or undefined.
   */
  private addLine(
    lines: string[],
    seriesKey: string,
    metadata: Metadata,
    value: number,
    kind: KindField | undefined,
    time: string,
  ): string | undefined {
    const line = seriesKey + ' ' + this.fieldSet(metadata, value, kind) + ' ' + time;
    lines.push(line);
    if (!mayExceedKeyLimit(line)) return undefined;
    const fieldKeys = this.fields(metadata, value, kind).map((field) => field.escaped);
    return oversizedKeyReason(line, seriesKey, fieldKeys);
  }

  private measurement(name: string): string {
    const known = this.measurements.get(name);
    if (known !== undefined) return known;
    return remember(this.measurements, name, encodeStoredText(name, 'measurement').replace(MEASUREMENT_SPECIALS, '\\$&'));
  }

  /** `,key=value,...` of the dimensions, or '' without any. */
  private tagSet(dimensions: Metrics['dimensions']): string {
    if (dimensions.length === 0) return '';
    const last = this.lastTags;
    if (last !== undefined && sameDimensions(last.dimensions, dimensions)) return last.text;
    const text = this.rememberedTagSet(dimensions);
    this.lastTags = { dimensions, text };
    return text;
  }

  /** `tagSet`, from the tag sets remembered or made now. */
  private rememberedTagSet(dimensions: Metrics['dimensions']): string {
    // Length-prefixed, so that no two dimension lists share a key.
    let key = '';
    for (const d of dimensions) key += `${d.name.length}:${d.name}${d.value.length}:${d.value}`;
    const known = this.tagSets.get(key);
    if (known !== undefined) return known;
    const byName = new Map<string, string>();
    for (const d of dimensions) byName.set(d.name, d.value);
    const tags: StoredField[] = [];
    for (const [name, value] of byName) {
      const stored = encodeStoredText(name, 'tagKey');
      tags.push({ stored, escaped: escapeKey(stored), text: escapeKey(encodeStoredText(value, 'tagValue')) });
    }
    sortByStoredKey(tags);
    let text = '';
    for (const tag of tags) text += ',' + tag.escaped + '=' + tag.text;
    return remember(this.tagSets, key, text);
  }

  /** The field set as written: `key=value,...`. */
  private fieldSet(metadata: Metadata, value: number, kind: KindField | undefined): string {
    if (!hasEntries(metadata)) {
      // `unit` and `kadabra_kind` sort before `value`. A number without the `i` suffix is
      // a float; String() gives forms Go parses back exactly (1e+21, 5e-324).
      return kind === undefined ? 'value=' + String(value) : kind.key + '=' + this.stringField(kind.value) + ',value=' + String(value);
    }
    let text = '';
    for (const field of this.fields(metadata, value, kind)) text += (text === '' ? '' : ',') + field.escaped + '=' + field.text;
    return text;
  }

  /** The fields of a metric, sorted by stored key. */
  private fields(metadata: Metadata, value: number, kind: KindField | undefined): StoredField[] {
    const fields: StoredField[] = [];
    for (const key of Object.keys(metadata)) {
      if (key === 'value' || key === kind?.key) continue;
      const { stored, escaped } = this.storedFieldKey(key);
      fields.push({ stored, escaped, text: this.stringField(metadata[key] as string) });
    }
    // `unit`, `kadabra_kind` and `value` are stored as they are, with nothing to escape.
    if (kind !== undefined) fields.push({ stored: kind.key, escaped: kind.key, text: this.stringField(kind.value) });
    fields.push({ stored: 'value', escaped: 'value', text: String(value) });
    sortByStoredKey(fields);
    return fields;
  }

  private storedFieldKey(key: string): StoredKey {
    return this.fieldKeys.get(key) ?? remember(this.fieldKeys, key, storedKey(encodeStoredText(key, 'fieldKey')));
  }

  /** A string field value in stored form, quoted. */
  private stringField(text: string): string {
    if (!STRING_FIELD_SPECIALS.test(text)) return '"' + text + '"';
    return '"' + encodeStoredText(text, 'fieldValue', this.rawNewlines).replace(STRING_SPECIALS, '\\$&') + '"';
  }
}
