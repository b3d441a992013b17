import { familyBase, type MetricFamily } from '../../../agent/monitoring/exposition.js';
import type { TimeSeries } from './write-request.js';

type LabelPair = readonly [string, string];

function byName(a: LabelPair, b: LabelPair): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** `__name__`, the sample's labels, then each external label the series lacks; sorted by name. */
function labelsOf(name: string, labels: Readonly<Record<string, string>>, external: readonly LabelPair[]): LabelPair[] {
  const pairs: LabelPair[] = [['__name__', name]];
  for (const [label, value] of Object.entries(labels)) pairs.push([label, value]);
  for (const [label, value] of external) if (!Object.hasOwn(labels, label)) pairs.push([label, value]);
  return pairs.sort(byName);
}

/**
 * The series that a Prometheus 2.42 scraping `families` at `timestampMs` would store, and
 * forward by remote write, each with its one sample: every sample line of every family
 * (a counter's `_total`, a histogram's `_bucket{le}`, `_sum` and `_count`), and each
 * series' creation time as the series `<name>_created` (in seconds, without `le`; a
 * counter's name without `_total`), which Prometheus 2.42 stores from the `_created`
 * samples of OpenMetrics. `external` labels (`remote_write_labels`) are added to every
 * series that lacks them, as Prometheus adds its `external_labels`.
 */
export function remoteWriteSeries(
  families: readonly MetricFamily[],
  timestampMs: number,
  external: Readonly<Record<string, string>> = {},
): TimeSeries[] {
  const externalPairs = Object.entries(external);
  const series: TimeSeries[] = [];
  for (const family of families) {
    const base = familyBase(family);
    for (const sample of family.samples) {
      const labels = sample.labels ?? {};
      const value = typeof sample.value === 'string' ? Number(sample.value) : sample.value;
      series.push({ labels: labelsOf(`${family.name}${sample.suffix ?? ''}`, labels, externalPairs), samples: [{ value, timestampMs }] });
      if (sample.created === undefined) continue;
      const { le: _le, ...seriesLabels } = labels;
      series.push({
        labels: labelsOf(`${base}_created`, seriesLabels, externalPairs),
        samples: [{ value: sample.created, timestampMs }],
      });
    }
  }
  return series;
}
