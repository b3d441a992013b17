import type { Metadata } from '../../../src/metrics/metadata.js';
import type { Metrics } from '../../../src/metrics/metrics.js';
import { GAUGE_MARKER } from '../../../src/metrics/gauge.js';
import { encodeStoredText } from '../../../src/publishers/influxdb/stored-text.js';
import type { InfluxFieldValue, InfluxPoint } from './influx-point.js';
import { referenceTimestampNs } from './point-timestamp.js';

/** InfluxDB orders tags and fields by the bytes of their keys (stored keys are well-formed UTF-16). */
function byStoredKey(a: readonly [string, unknown], b: readonly [string, unknown]): number {
  return Buffer.compare(Buffer.from(a[0], 'utf8'), Buffer.from(b[0], 'utf8'));
}

/** The tags of a message's dimensions, in stored form, sorted by key. */
function storedTags(dimensions: Metrics['dimensions']): (readonly [string, string])[] {
  // A repeated dimension name keeps its last value, as a Python dict would.
  const byName = new Map<string, string>();
  for (const d of dimensions) byName.set(d.name, d.value);
  return [...byName]
    .map(([name, value]) => [encodeStoredText(name, 'tagKey'), encodeStoredText(value, 'tagValue')] as const)
    .sort(byStoredKey);
}

/** The fields of a metric (metadata, then `reserved` winning over it), in stored form, sorted by key. */
function storedFields(
  metadata: Metadata,
  reserved: Readonly<Record<string, InfluxFieldValue>>,
  rawNewlines: boolean,
): (readonly [string, InfluxFieldValue])[] {
  const fields = new Map<string, InfluxFieldValue>();
  for (const key of Object.keys(metadata)) fields.set(key, metadata[key] as string);
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
  /** Keep line feeds in string fields raw (InfluxDB 1.x); false replaces them (2.x/3.x). Default true. */
  readonly rawNewlines?: boolean;
}

/**
 * The InfluxDB points of one message as the publisher's rule states them, written for
 * clarity, not speed: the oracle `LineFormatter` is compared against. One point per
 * timer, then one per counter, then one per gauge (string field `kadabra_kind="gauge"`
 * winning over metadata of that name); measurement = metric name, tags = dimensions, float field
 * `value`, timers also string field `unit`, metadata as string fields (`value`/`unit`
 * win); every string in its stored form; timestamps by `referenceTimestampNs`.
 */
export function metricsToPoints(metrics: Metrics, options: MetricsToPointsOptions = {}): InfluxPoint[] {
  const rawNewlines = options.rawNewlines ?? true;
  const tags = storedTags(metrics.dimensions);
  const points: InfluxPoint[] = [];
  for (const timer of metrics.timers) {
    points.push({
      measurement: encodeStoredText(timer.name, 'measurement'),
      tags,
      fields: storedFields(timer.metadata, { value: timer.value, unit: timer.unit.name }, rawNewlines),
      timestampNs: referenceTimestampNs(metrics, timer.timestamp, points.length),
    });
  }
  for (const counter of metrics.counters) {
    points.push({
      measurement: encodeStoredText(counter.name, 'measurement'),
      tags,
      fields: storedFields(counter.metadata, { value: counter.value }, rawNewlines),
      timestampNs: referenceTimestampNs(metrics, counter.timestamp, points.length),
    });
  }
  for (const gauge of metrics.gauges) {
    points.push({
      measurement: encodeStoredText(gauge.name, 'measurement'),
      tags,
      fields: storedFields(gauge.metadata, { [GAUGE_MARKER.key]: GAUGE_MARKER.value, value: gauge.value }, rawNewlines),
      timestampNs: referenceTimestampNs(metrics, gauge.timestamp, points.length),
    });
  }
  return points;
}
