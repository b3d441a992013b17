import type { Metadata } from '../../metrics/metadata.js';
import type { Metrics } from '../../metrics/metrics.js';
import { compareCodePoints } from './compare-code-points.js';
import { escapeKey, escapeMeasurement, formatFieldValue } from './line-protocol.js';
import { storedTags } from './metrics-to-points.js';
import { PointTimestamps } from './point-timestamps.js';
import { encodeStoredText } from './stored-text.js';

/** Entries a cache holds before it starts afresh: a fleet's names and tag sets are few. */
const CACHE_ENTRIES = 10_000;
/** Longer texts are not cached (a multi-megabyte tag value must not stay in memory). */
const CACHED_TEXT_LENGTH = 256;

/** Field values that `encodeStoredText` or the quoting could change. */
const STRING_FIELD_SPECIALS = /["\\\n\u241b\ud800-\udfff]/;

function remember(cache: Map<string, string>, key: string, value: string): string {
  if (key.length <= CACHED_TEXT_LENGTH) {
    if (cache.size >= CACHE_ENTRIES) cache.clear();
    cache.set(key, value);
  }
  return value;
}

/** A field: its key in stored form (what InfluxDB sorts by), its value as line protocol writes it. */
interface StoredField {
  readonly stored: string;
  readonly text: string;
}

/** Insertion sort: a metric has a handful of fields, and Array.prototype.sort allocates a work array per call. */
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

function hasEntries(metadata: Metadata): boolean {
  for (const key in metadata) if (Object.hasOwn(metadata, key)) return true;
  return false;
}

/**
 * Writes messages as line protocol: the same lines as
 * `metricsToPoints(metrics, options).map(formatLine)`, made for the agent's hot path.
 * Measurements and tag sets repeat from message to message, so their stored, escaped
 * forms are remembered; a metric without metadata skips the general field sorting, and a
 * string field with nothing to escape is quoted as it is. Timestamps come as text from
 * `PointTimestamps.text`, without BigInt arithmetic.
 */
export class LineFormatter {
  private readonly measurements = new Map<string, string>();
  private readonly tagSets = new Map<string, string>();
  private readonly fieldKeys = new Map<string, string>();

  /** @param rawNewlines keep line feeds raw in string fields (InfluxDB 1.x); false replaces them. */
  constructor(private readonly rawNewlines: boolean) {}

  /** The lines of one message: one per timer, then one per counter (none for an empty message). */
  lines(metrics: Metrics, timestamps?: PointTimestamps): string[] {
    const { timers, counters } = metrics;
    if (timers.length + counters.length === 0) return [];
    const times = timestamps ?? new PointTimestamps(metrics);
    const tags = this.tagSet(metrics.dimensions);
    const lines: string[] = [];
    for (const timer of timers) {
      const fields = this.fields(timer.metadata, timer.value, timer.unit.name);
      lines.push(this.measurement(timer.name) + tags + ' ' + fields + ' ' + times.text(timer.timestamp, lines.length));
    }
    for (const counter of counters) {
      const fields = this.fields(counter.metadata, counter.value, undefined);
      lines.push(this.measurement(counter.name) + tags + ' ' + fields + ' ' + times.text(counter.timestamp, lines.length));
    }
    return lines;
  }

  private measurement(name: string): string {
    return this.measurements.get(name) ?? remember(this.measurements, name, escapeMeasurement(encodeStoredText(name, 'measurement')));
  }

  /** `,key=value,...` of the dimensions, or '' without any. */
  private tagSet(dimensions: Metrics['dimensions']): string {
    if (dimensions.length === 0) return '';
    // Length-prefixed, so that no two dimension lists share a key.
    let key = '';
    for (const d of dimensions) key += `${d.name.length}:${d.name}${d.value.length}:${d.value}`;
    const known = this.tagSets.get(key);
    if (known !== undefined) return known;
    let text = '';
    for (const [name, value] of storedTags(dimensions)) text += ',' + escapeKey(name) + '=' + escapeKey(value);
    return remember(this.tagSets, key, text);
  }

  /** The field set: metadata as string fields, a timer's `unit`, and `value`, sorted by key. */
  private fields(metadata: Metadata, value: number, unit: string | undefined): string {
    if (hasEntries(metadata)) return this.fieldsWithMetadata(metadata, value, unit);
    // `unit` sorts before `value`; a number is written as formatFieldValue writes it.
    return unit === undefined ? 'value=' + String(value) : 'unit=' + this.stringField(unit) + ',value=' + String(value);
  }

  /** As `storedFields` + `formatLine` do it: `value` (and a timer's `unit`) win over metadata keys of that name. */
  private fieldsWithMetadata(metadata: Metadata, value: number, unit: string | undefined): string {
    const fields: StoredField[] = [];
    for (const key of Object.keys(metadata)) {
      if (key === 'value' || (key === 'unit' && unit !== undefined)) continue;
      fields.push({ stored: this.storedFieldKey(key), text: this.stringField(metadata[key] as string) });
    }
    if (unit !== undefined) fields.push({ stored: 'unit', text: this.stringField(unit) });
    fields.push({ stored: 'value', text: String(value) });
    sortByStoredKey(fields);
    let text = '';
    for (const field of fields) text += (text === '' ? '' : ',') + escapeKey(field.stored) + '=' + field.text;
    return text;
  }

  private storedFieldKey(key: string): string {
    return this.fieldKeys.get(key) ?? remember(this.fieldKeys, key, encodeStoredText(key, 'fieldKey'));
  }

  private stringField(text: string): string {
    if (!STRING_FIELD_SPECIALS.test(text)) return '"' + text + '"';
    return formatFieldValue(encodeStoredText(text, 'fieldValue', this.rawNewlines));
  }
}
