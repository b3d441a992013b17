import type { Metrics } from '../metrics/metrics.js';

/** One published point, as InfluxDB would store it. */
export interface PublishedPoint {
  /** Microseconds since the epoch. */
  readonly timestamp: bigint;
  /** The metric's name. */
  readonly measurement: string;
  /** The message's dimensions, `name=value`, space-separated. */
  readonly tags: string;
  readonly value: number;
  /** The timer's unit name; empty for a counter. */
  readonly unit: string;
  /** Metadata, `key="value"`, space-separated (InfluxDB string fields). */
  readonly fields: string;
}

/** The points of published messages: each counter, timer and gauge is one point (as InfluxDB stores them). */
export function publishedPoints(messages: readonly Metrics[]): PublishedPoint[] {
  const points: PublishedPoint[] = [];
  for (const metrics of messages) {
    const tags = metrics.dimensions.map((d) => `${d.name}=${d.value}`).join(' ');
    const fieldsOf = (metadata: Readonly<Record<string, string>>): string =>
      Object.entries(metadata).map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(' ');
    for (const counter of metrics.counters) {
      points.push({ timestamp: counter.timestamp, measurement: counter.name, tags, value: counter.value, unit: '', fields: fieldsOf(counter.metadata) });
    }
    for (const timer of metrics.timers) {
      points.push({ timestamp: timer.timestamp, measurement: timer.name, tags, value: timer.value, unit: timer.unit.name, fields: fieldsOf(timer.metadata) });
    }
    for (const gauge of metrics.gauges) {
      points.push({ timestamp: gauge.timestamp, measurement: gauge.name, tags, value: gauge.value, unit: 'gauge', fields: fieldsOf(gauge.metadata) });
    }
  }
  return points.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
}

function timeOfDay(micros: bigint): string {
  return new Date(Number(micros / 1000n)).toISOString().slice(11, 23);
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4).replace(/\.?0+$/, '');
}

/**
 * Points as an aligned text table (time UTC, measurement, tags, value, unit, metadata
 * fields). Beyond `maxRows` only the latest are shown, with a line saying how many were left out.
 */
export function formatPublishedTable(points: readonly PublishedPoint[], maxRows = 60): string {
  const header = ['time (UTC)', 'measurement', 'tags', 'value', 'unit', 'metadata'];
  const shown = points.slice(-maxRows);
  const rows = shown.map((p) => [timeOfDay(p.timestamp), p.measurement, p.tags, formatValue(p.value), p.unit, p.fields]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === 3 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  const lines = [line(header), line(widths.map((w) => '-'.repeat(w)))];
  if (points.length > shown.length) lines.push(`... ${points.length - shown.length} earlier point(s) not shown`);
  lines.push(...rows.map(line));
  return `${lines.join('\n')}\n`;
}

/** One line per measurement: how many points and, for counters, their total. */
export function formatMeasurementSummary(points: readonly PublishedPoint[]): string {
  const byName = new Map<string, { count: number; total: number; unit: string }>();
  for (const point of points) {
    const entry = byName.get(point.measurement) ?? { count: 0, total: 0, unit: point.unit };
    entry.count += 1;
    entry.total += point.value;
    byName.set(point.measurement, entry);
  }
  const lines = [...byName].map(([name, { count, total, unit }]) =>
    unit === ''
      ? `  ${name}: ${count} point(s), total ${formatValue(total)}`
      : `  ${name}: ${count} point(s), mean ${formatValue(total / count)} ${unit}`,
  );
  return `${lines.join('\n')}\n`;
}
