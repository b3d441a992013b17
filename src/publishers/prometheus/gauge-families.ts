import type { LatestValue } from '../../channels/channel.js';
import type { MetricFamily, Sample } from '../../agent/monitoring/exposition.js';
import { prometheusMetricName } from './prometheus-names.js';
import { labelsOf } from './series-families.js';
import { parseSeriesId, type SeriesId } from './series-totals.js';

/** A gauge series and its value, read back from the channel's values set if newer. */
export interface GaugeSeries {
  readonly id: SeriesId;
  readonly idText: string;
  readonly latest: LatestValue;
}

/**
 * The gauge series of a namespace's values set if newer (each id parsed once, or taken
 * from `known`, which it adds to); values of names this publisher did not write are left out.
 */
export function groupGauges(latest: ReadonlyMap<string, LatestValue>, known: Map<string, SeriesId | null> = new Map()): Map<string, GaugeSeries> {
  const gauges = new Map<string, GaugeSeries>();
  for (const [idText, value] of latest) {
    let id = known.get(idText);
    if (id === undefined) {
      id = parseSeriesId(idText) ?? null;
      known.set(idText, id);
    }
    if (id !== null && id.kind === 'g') gauges.set(idText, { id, idText, latest: value });
  }
  return gauges;
}

/**
 * The Prometheus name of a Kadabra gauge: its base name (`prometheusMetricName`), as a
 * client library names a gauge; but `<base>_gauge` when a Kadabra counter of the same
 * name has series, because OpenMetrics names that counter's family `<base>` too (its
 * samples are `<base>_total`) and family names must be unique. No kept base name ends in
 * `_gauge`, so the renamed gauge is no other metric's name.
 */
export function gaugeName(name: string, counterNames: ReadonlySet<string>): string {
  const base = prometheusMetricName(name);
  return counterNames.has(name) ? `${base}_gauge` : base;
}

/**
 * One gauge family per Kadabra gauge (`gaugeName`), each series with the value of the
 * latest timestamp (written without a timestamp: Prometheus stamps it with the scrape's).
 * HELP lines carry the Kadabra name; families and series come in a stable order.
 * @param counterNames the Kadabra names of the counters that have series.
 */
export function gaugeFamilies(gauges: Iterable<GaugeSeries>, counterNames: ReadonlySet<string>): MetricFamily[] {
  const families = new Map<string, { name: string; help: string; samples: Sample[] }>();
  const ordered = [...gauges].sort((a, b) => (a.idText < b.idText ? -1 : a.idText > b.idText ? 1 : 0));
  for (const { id, latest } of ordered) {
    const name = gaugeName(id.name, counterNames);
    let family = families.get(name);
    if (family === undefined) {
      family = { name, help: `Kadabra gauge ${JSON.stringify(id.name)}: the value set with the latest timestamp, over every process.`, samples: [] };
      families.set(name, family);
    }
    family.samples.push({ labels: labelsOf(id), value: latest.value });
  }
  return [...families.values()].map(({ name, help, samples }) => ({ name, help, type: 'gauge', samples }));
}
