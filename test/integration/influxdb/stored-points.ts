import type { Metrics } from '../../../src/metrics/metrics.js';
import { decodeStoredText } from '../../../src/publishers/influxdb/stored-text.js';
import type { InfluxDBServerHandle, InfluxSeries } from '../../support/influxdb-server.js';

/** A point as read back from InfluxDB, every string decoded with the documented inverse. */
export interface StoredPoint {
  readonly measurement: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly fields: Readonly<Record<string, string | number>>;
  /** Microseconds since the epoch (the nanoseconds' sub-microsecond digits dropped). */
  readonly micros: bigint;
  /** The full nanosecond timestamp. */
  readonly nanos: bigint;
}

/** Nanoseconds since the epoch of an RFC3339 time as InfluxDB renders it (`...05.123456789Z`). */
export function rfc3339ToNanos(text: string): bigint {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(text);
  if (!match) throw new Error(`not an RFC3339 UTC time: ${text}`);
  const seconds = BigInt(Date.parse(`${match[1]}Z`) / 1000);
  const fraction = BigInt((match[2] ?? '').padEnd(9, '0'));
  return seconds * 1_000_000_000n + fraction;
}

function seriesPoints(series: InfluxSeries, decode: (s: string) => string): StoredPoint[] {
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(series.tags ?? {})) {
    // GROUP BY * lists every tag key of the measurement; "" means this series lacks it.
    if (value !== '') tags[decode(key)] = decode(value);
  }
  return (series.values ?? []).map((row) => {
    const fields: Record<string, string | number> = {};
    let nanos = 0n;
    series.columns.forEach((column, i) => {
      const cell = row[i];
      if (column === 'time') nanos = rfc3339ToNanos(String(cell));
      else if (typeof cell === 'string') fields[decode(column)] = decode(cell);
      else if (typeof cell === 'number') fields[decode(column)] = cell;
    });
    return { measurement: decode(series.name ?? ''), tags, fields, micros: nanos / 1000n, nanos };
  });
}

/**
 * Every point of `database` (`SELECT * FROM /.*\/ GROUP BY *`), decoded with
 * `decodeStoredText` unless `raw`, sorted by measurement and time.
 */
export async function readPoints(
  server: InfluxDBServerHandle,
  database: string,
  options: { raw?: boolean } = {},
): Promise<StoredPoint[]> {
  const result = await server.query('SELECT * FROM /.*/ GROUP BY *', database);
  const first = result.results[0];
  if (first?.error !== undefined) throw new Error(first.error);
  const decode = options.raw === true ? (s: string): string => s : decodeStoredText;
  return (first?.series ?? []).flatMap((series) => seriesPoints(series, decode)).sort(comparePoints);
}

function comparePoints(a: StoredPoint, b: StoredPoint): number {
  if (a.measurement !== b.measurement) return a.measurement < b.measurement ? -1 : 1;
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}

/** The points the publisher should store for `metrics` (no nanoseconds: `nanos` is 0). */
export function expectedPoints(metrics: Metrics): StoredPoint[] {
  const tags: Record<string, string> = {};
  for (const d of metrics.dimensions) tags[d.name] = d.value;
  const points: StoredPoint[] = [];
  for (const t of metrics.timers) {
    points.push({
      measurement: t.name,
      tags,
      fields: { ...t.metadata, value: t.value, unit: t.unit.name },
      micros: t.timestamp,
      nanos: 0n,
    });
  }
  for (const c of metrics.counters) {
    points.push({ measurement: c.name, tags, fields: { ...c.metadata, value: c.value }, micros: c.timestamp, nanos: 0n });
  }
  return points;
}

/** A point without its nanoseconds, with keys in a fixed order, for deep comparison. */
export function comparable(point: StoredPoint): unknown {
  const sortObject = (o: Readonly<Record<string, unknown>>): [string, unknown][] =>
    Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [point.measurement, sortObject(point.tags), sortObject(point.fields), String(point.micros)];
}

/** Points as comparable values in a canonical order. */
export function comparableSet(points: readonly StoredPoint[]): unknown[] {
  return points
    .map(comparable)
    .map((c) => JSON.stringify(c))
    .sort()
    .map((s) => JSON.parse(s) as unknown);
}
