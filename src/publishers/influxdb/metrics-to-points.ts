import type { Metadata } from '../../metrics/metadata.js';
import type { Metrics } from '../../metrics/metrics.js';
import { compareCodePoints } from './compare-code-points.js';
import type { InfluxFieldValue, InfluxPoint } from './influx-point.js';
import { encodeStoredText } from './stored-text.js';
import { PointTimestamps } from './point-timestamps.js';

/** InfluxDB orders tags and fields by the bytes of their keys. */
function byStoredKey(a: readonly [string, unknown], b: readonly [string, unknown]): number {
  return compareCodePoints(a[0], b[0]);
}

/** The tags of a message's dimensions, in stored form, sorted by key. */
export function storedTags(dimensions: Metrics['dimensions']): (readonly [string, string])[] {
  // A repeated dimension name (possible only from a foreign producer) keeps its last
  // value, as a Python dict would; InfluxDB would reject the whole line otherwise.
  const byName = new Map<string, string>();
  for (const d of dimensions) byName.set(d.name, d.value);
  return [...byName]
    .map(([name, value]) => [encodeStoredText(name, 'tagKey'), encodeStoredText(value, 'tagValue')] as const)
    .sort(byStoredKey);
}

/** The fields of a metric (metadata, then `reserved` winning over it), in stored form, sorted by key. */
export function storedFields(
  metadata: Metadata,
  reserved: Readonly<Record<string, InfluxFieldValue>>,
  rawNewlines: boolean,
): (readonly [string, InfluxFieldValue])[] {
  const fields = new Map<string, InfluxFieldValue>();
  for (const key of Object.keys(metadata)) fields.set(key, metadata[key] as string);
  // `value` (and a timer's `unit`) win over metadata of the same name, as in the original.
  for (const key of Object.keys(reserved)) fields.set(key, reserved[key] as InfluxFieldValue);
  return [...fields]
    .map(([key, value]) => [
      encodeStoredText(key, 'fieldKey'),
      typeof value === 'string' ? encodeStoredText(value, 'fieldValue', rawNewlines) : value,
    ] as const)
    .sort(byStoredKey);
}

/** Options of {@link metricsToPoints}. */
export interface MetricsToPointsOptions {
  /** Timestamps for the message's points (default: those of the message alone in its batch). */
  readonly timestamps?: PointTimestamps;
  /** Keep line feeds in string fields raw (InfluxDB 1.x); false replaces them (2.x/3.x). Default true. */
  readonly rawNewlines?: boolean;
}

/**
 * The InfluxDB points of one message: one per timer, then one per counter. Measurement
 * = metric name, tags = dimensions, float field `value`, timers also string field
 * `unit`, metadata as string fields; every string in its stored form. Timestamps are
 * nanoseconds from `timestamps` (see `PointTimestamps`): the metric's time plus digits
 * that depend only on the message and the metric's place in it. Values are not
 * checked here: see `unwritableReason`.
 */
export function metricsToPoints(metrics: Metrics, options: MetricsToPointsOptions = {}): InfluxPoint[] {
  const timestamps = options.timestamps ?? new PointTimestamps(metrics);
  const rawNewlines = options.rawNewlines ?? true;
  if (metrics.timers.length + metrics.counters.length === 0) return [];
  const tags = storedTags(metrics.dimensions);
  const points: InfluxPoint[] = [];
  const at = (micros: bigint): bigint => timestamps.at(micros, points.length);
  for (const timer of metrics.timers) {
    points.push({
      measurement: encodeStoredText(timer.name, 'measurement'),
      tags,
      fields: storedFields(timer.metadata, { value: timer.value, unit: timer.unit.name }, rawNewlines),
      timestampNs: at(timer.timestamp),
    });
  }
  for (const counter of metrics.counters) {
    points.push({
      measurement: encodeStoredText(counter.name, 'measurement'),
      tags,
      fields: storedFields(counter.metadata, { value: counter.value }, rawNewlines),
      timestampNs: at(counter.timestamp),
    });
  }
  return points;
}
