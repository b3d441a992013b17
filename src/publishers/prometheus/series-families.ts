import type { MetricFamily, Sample } from '../../agent/monitoring/exposition.js';
import { layoutText } from './fold-metrics.js';
import { prometheusLabelName, prometheusLabelValue, prometheusMetricName } from './prometheus-names.js';
import { decimalText, FIELD, totalName, type SeriesId, type SeriesTotals } from './series-totals.js';

/** The family of every metric's negative counter increments. */
export const NEGATIVE_INCREMENTS_FAMILY = 'kadabra_prometheus_negative_increments_total';

/** The label of a metric's overflow series (over its cardinality limit). */
export const OVERFLOW_LABELS: Readonly<Record<string, string>> = Object.freeze({ kadabra_overflow: 'true' });

const MILLION = 1_000_000n;

/** The labels of each series id, mapped once (ids are kept across scrapes by the publisher). */
const LABELS = new WeakMap<SeriesId, Readonly<Record<string, string>>>();

/** The labels of a series (its dimensions mapped, or the overflow label), mapped once per id. */
export function labelsOf(id: SeriesId): Readonly<Record<string, string>> {
  let labels = LABELS.get(id);
  if (labels === undefined) {
    const mapped: Record<string, string> = {};
    if (id.dimensions === null) Object.assign(mapped, OVERFLOW_LABELS);
    else for (const [name, value] of id.dimensions) mapped[prometheusLabelName(name)] = prometheusLabelValue(value);
    labels = Object.freeze(mapped);
    LABELS.set(id, labels);
  }
  return labels;
}

/**
 * When a series began, in seconds since the epoch: the mean of its creation claims
 * (`ct`, `cn`, as read by `readState` with their names); undefined without a claim.
 */
export function createdSeconds(claims: ReadonlyMap<string, bigint>, idText: string): number | undefined {
  const count = claims.get(totalName(FIELD.claims, idText)) ?? 0n;
  if (count <= 0n) return undefined;
  return Number((claims.get(totalName(FIELD.claimedMs, idText)) ?? 0n) / count) / 1000;
}

function counterValue(series: SeriesTotals): string {
  return decimalText(series.fields.get(FIELD.whole) ?? 0n, series.fields.get(FIELD.millionths) ?? 0n);
}

function withCreated(sample: Sample, created: number | undefined): Sample {
  return created === undefined ? sample : { suffix: sample.suffix, labels: sample.labels, value: sample.value, created };
}

/** The labels of each bucket of a series' histogram (its labels and `le`), made once per series id and layout. */
const BUCKET_LABELS = new WeakMap<SeriesId, { readonly layout: readonly number[]; readonly labels: readonly Readonly<Record<string, string>>[] }>();

function bucketLabelsOf(id: SeriesId, bounds: readonly number[]): readonly Readonly<Record<string, string>>[] {
  const cached = BUCKET_LABELS.get(id);
  if (cached !== undefined && cached.layout === bounds) return cached.labels;
  const labels = labelsOf(id);
  const each = [...bounds.map(String), '+Inf'].map((le) => Object.freeze({ ...labels, le }));
  BUCKET_LABELS.set(id, { layout: bounds, labels: each });
  return each;
}

function histogramSamplesOf(series: SeriesTotals, bounds: readonly number[], created: number | undefined): Sample[] {
  const labels = labelsOf(series.id);
  const bucketLabels = bucketLabelsOf(series.id, bounds);
  const samples: Sample[] = [];
  let cumulative = 0n;
  for (let i = 0; i <= bounds.length; i += 1) {
    cumulative += series.fields.get(FIELD.bucket(i)) ?? 0n;
    samples.push({ suffix: '_bucket', labels: bucketLabels[i], value: cumulative.toString() });
  }
  const micros = series.fields.get(FIELD.sumMicros) ?? 0n;
  samples.push({ suffix: '_sum', labels, value: decimalText(micros / MILLION, micros % MILLION) });
  samples.push(withCreated({ suffix: '_count', labels, value: cumulative.toString() }, created));
  return samples;
}

function byIdText(a: SeriesTotals, b: SeriesTotals): number {
  return a.idText < b.idText ? -1 : a.idText > b.idText ? 1 : 0;
}

/**
 * The series sorted by id, for an exposition in a stable order. Sorting ten thousand ids
 * was a fifth of a scrape: the order of the last call is reused while the same series
 * are read again, and the series sorted afresh when one comes or goes.
 */
export class SeriesOrder {
  private order: readonly string[] = [];

  sorted(series: ReadonlyMap<string, SeriesTotals>): SeriesTotals[] {
    if (this.order.length === series.size) {
      const same: SeriesTotals[] = [];
      for (const idText of this.order) {
        const one = series.get(idText);
        if (one === undefined) break;
        same.push(one);
      }
      if (same.length === series.size) return same;
    }
    const sorted = [...series.values()].sort(byIdText);
    this.order = sorted.map((one) => one.idText);
    return sorted;
  }
}

/**
 * The Prometheus families of the publisher's series: per Kadabra counter a counter
 * `<name>_total`, per timer a histogram `<name>_seconds` in the bucket layout configured
 * now (series of another layout are left out: a change of buckets starts the histogram
 * afresh), and `kadabra_prometheus_negative_increments_total{metric}`. HELP lines carry
 * the Kadabra name. Families come in the order of their first series, series in the order given
 * (`SeriesOrder.sorted`: by id, a stable order).
 */
export function seriesFamilies(
  series: Iterable<SeriesTotals>,
  bucketsOf: (name: string) => readonly number[],
  createdOf: (idText: string) => number | undefined = () => undefined,
): MetricFamily[] {
  const families = new Map<string, { family: MetricFamily; samples: Sample[] }>();
  const familyOf = (name: string, help: string, type: MetricFamily['type']): Sample[] => {
    let entry = families.get(name);
    if (entry === undefined) {
      const samples: Sample[] = [];
      entry = { family: { name, help, type, samples }, samples };
      families.set(name, entry);
    }
    return entry.samples;
  };
  /** The samples of each Kadabra metric's family (`kind|name`), its name mapped and help written once per scrape. */
  const ofMetric = new Map<string, Sample[]>();
  const samplesOf = (kind: SeriesId['kind'], name: string): Sample[] => {
    const key = `${kind}|${name}`;
    let samples = ofMetric.get(key);
    if (samples === undefined) {
      const base = prometheusMetricName(name);
      if (kind === 'c') samples = familyOf(`${base}_total`, `Kadabra counter ${JSON.stringify(name)}: its increments summed over every process.`, 'counter');
      else if (kind === 'h') samples = familyOf(`${base}_seconds`, `Kadabra timer ${JSON.stringify(name)}, in seconds, over every process.`, 'histogram');
      else {
        samples = familyOf(
          NEGATIVE_INCREMENTS_FAMILY,
          'Negative increments of Kadabra counters (a Prometheus counter only grows): their size, by Kadabra counter name.',
          'counter',
        );
      }
      ofMetric.set(key, samples);
    }
    return samples;
  };
  for (const one of series) {
    const { kind, name } = one.id;
    if (kind === 'c') {
      samplesOf(kind, name).push(withCreated({ labels: labelsOf(one.id), value: counterValue(one) }, createdOf(one.idText)));
    } else if (kind === 'h') {
      const bounds = bucketsOf(name);
      if (one.id.layout !== layoutText(bounds)) continue;
      samplesOf(kind, name).push(...histogramSamplesOf(one, bounds, createdOf(one.idText)));
    } else {
      samplesOf(kind, name).push(
        withCreated({ labels: { metric: prometheusLabelValue(name) }, value: counterValue(one) }, createdOf(one.idText)),
      );
    }
  }
  return [...families.values()].map((entry) => entry.family);
}
