import type { LatestValue } from '../../channels/channel.js';
import { keepNewest, TOTAL_MAX, TOTAL_MIN } from '../../channels/state-change.js';
import type { Metrics } from '../../metrics/metrics.js';
import type { RejectedMessage } from '../publisher.js';
import { FIELD, seriesIdText, splitIncrement, totalName, type SeriesId, type SeriesKind } from './series-totals.js';

/** The largest magnitude one increment may add to a total (the totals hold 2^63 - 1). */
const MAX_INCREMENT = 2n ** 62n;

/** What folding needs to know about the series already in the channel. */
export interface FoldContext {
  /** Bucket bounds (seconds) of a timer, by its Kadabra name. */
  bucketsOf(name: string): readonly number[];
  /** Whether the series is known to exist (it has totals, or this agent claimed it). */
  known(idText: string): boolean;
  /** Whether one more series of this metric is within the cardinality limits. */
  admits(kind: SeriesKind, name: string): boolean;
  /** A series new to this agent, whose creation this fold claims: it counts as known from now on. */
  claim(kind: SeriesKind, name: string, idText: string): void;
  /** A series over the limits: its points go to the metric's overflow series. */
  overflowed(kind: SeriesKind, name: string): void;
  /** A counter increment below zero, kept apart (see docs/prometheus.md). */
  negative(name: string): void;
  /** Now, in ms since the epoch: the creation time an agent claims for a series new to it. */
  nowMs(): number;
}

/** A batch folded into one state change, and the messages that could not be. */
export interface FoldResult {
  /** What the batch adds to the series' values (`PROMETHEUS_NAMESPACE`). */
  readonly add: Map<string, bigint>;
  /** The creation claims of the series new to this agent (`CREATED_NAMESPACE`). */
  readonly claims: Map<string, bigint>;
  /** Each gauge series' newest value in the batch, by series id text: set if newer. */
  readonly set: Map<string, LatestValue>;
  readonly rejected: RejectedMessage[];
}

/** A bucket layout's text in a series id: its bounds, comma-separated. */
export function layoutText(bounds: readonly number[]): string {
  return bounds.map(String).join(',');
}

/** The index of the bucket of an observation: the first bound at or above it, else the `+Inf` bucket. */
function bucketIndex(bounds: readonly number[], seconds: number): number {
  let low = 0;
  let high = bounds.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (seconds <= (bounds[mid] as number)) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** One counter, timer or gauge of a message, checked and turned into what its series keeps. */
type Point =
  | { readonly kind: 'c'; readonly name: string; readonly whole: bigint; readonly millionths: bigint }
  | { readonly kind: 'h'; readonly name: string; readonly micros: bigint; readonly seconds: number }
  | { readonly kind: 'g'; readonly name: string; readonly latest: LatestValue };

/**
 * The points of a message, or why it cannot be folded: a value that is not a finite
 * number, or one too large for a total kept exactly (a gauge's timestamp too, which the
 * channel compares as a signed 64-bit integer of µs).
 */
function pointsOf(metrics: Metrics): Point[] | string {
  const points: Point[] = [];
  for (const counter of metrics.counters) {
    if (!Number.isFinite(counter.value)) return `counter ${JSON.stringify(counter.name)} has the value ${counter.value}, not a finite number`;
    const { whole, millionths } = splitIncrement(counter.value);
    if (whole >= MAX_INCREMENT || whole <= -MAX_INCREMENT) {
      return `counter ${JSON.stringify(counter.name)} adds ${counter.value}, beyond the ±2^62 one increment of a Prometheus total may add`;
    }
    points.push({ kind: 'c', name: counter.name, whole, millionths });
  }
  for (const timer of metrics.timers) {
    const seconds = timer.value / timer.unit.secondsOffset;
    const micros = Math.round(timer.value * (1e6 / timer.unit.secondsOffset));
    if (!Number.isFinite(micros)) return `timer ${JSON.stringify(timer.name)} has the value ${timer.value} ${timer.unit.name}, not a finite duration`;
    const exact = BigInt(micros);
    if (exact >= MAX_INCREMENT || exact <= -MAX_INCREMENT) {
      return `timer ${JSON.stringify(timer.name)} lasts ${timer.value} ${timer.unit.name}, beyond the ±2^62 microseconds a histogram's sum may add`;
    }
    points.push({ kind: 'h', name: timer.name, micros: exact, seconds });
  }
  for (const gauge of metrics.gauges) {
    if (!Number.isFinite(gauge.value)) return `gauge ${JSON.stringify(gauge.name)} has the value ${gauge.value}, not a finite number`;
    if (gauge.timestamp < TOTAL_MIN || gauge.timestamp > TOTAL_MAX) {
      return `gauge ${JSON.stringify(gauge.name)} has the timestamp ${gauge.timestamp} µs, beyond the signed 64-bit range`;
    }
    points.push({ kind: 'g', name: gauge.name, latest: { value: gauge.value, timestamp: gauge.timestamp } });
  }
  return points;
}

/** A message's dimensions as sorted `[name, value]` pairs; of a name given twice, the last value. */
function dimensionPairs(metrics: Metrics): [string, string][] {
  const byName = new Map<string, string>();
  for (const dimension of metrics.dimensions) byName.set(dimension.name, dimension.value);
  return [...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Adds to a total of the state change. Adding 0 is left out unless `evenZero` (a total
 * never written reads as 0: one field fewer to store and read at every scrape).
 */
function add(totals: Map<string, bigint>, name: string, amount: bigint, evenZero = false): void {
  if (amount !== 0n || evenZero) totals.set(name, (totals.get(name) ?? 0n) + amount);
}

/**
 * Folds a batch into the integer amounts its completion adds to the totals
 * (`series-totals.ts` names them): counters into whole units and millionths, timers into
 * their histogram's bucket counts and microsecond sum, a negative counter increment into
 * the metric's negative-increments total, and, for a counter or histogram series this
 * agent does not know, its creation claim (in `claims`, kept apart); and gauges into the newest value of each
 * gauge series, which the completion sets if newer than the one kept. A message with a
 * value that cannot be folded is rejected whole (with the reason) and adds nothing.
 */
export function foldMetrics(batch: readonly Metrics[], context: FoldContext): FoldResult {
  const totals = new Map<string, bigint>();
  const set = new Map<string, LatestValue>();
  const rejected: RejectedMessage[] = [];
  const claimed = new Set<string>();
  // Gauges have no `_created`: their claims only count them as known.
  const gaugesClaimed = new Set<string>();
  for (const [index, metrics] of batch.entries()) {
    const points = pointsOf(metrics);
    if (typeof points === 'string') {
      rejected.push({ index, reason: `cannot be counted in Prometheus totals: ${points}`, reasonClass: 'invalid' });
      continue;
    }
    const dimensions = dimensionPairs(metrics);
    const dimensionsJson = JSON.stringify(dimensions);
    for (const point of points) {
      if (point.kind === 'g') {
        const series = seriesOf(context, gaugesClaimed, { kind: 'g', name: point.name, dimensions, layout: '' }, dimensionsJson);
        keepNewest(set, series, point.latest);
        continue;
      }
      const negative = point.kind === 'c' && (point.whole < 0n || point.millionths < 0n);
      const kind: SeriesKind = negative ? 'n' : point.kind;
      const bounds = point.kind === 'h' ? context.bucketsOf(point.name) : [];
      const layout = point.kind === 'h' ? layoutText(bounds) : '';
      const series = negative
        ? seriesOf(context, claimed, { kind, name: point.name, dimensions: null, layout })
        : seriesOf(context, claimed, { kind, name: point.name, dimensions, layout }, dimensionsJson);
      if (negative) context.negative(point.name);
      if (point.kind === 'c') {
        // A negative increment is kept by its size in the negative-increments total.
        const sign = negative ? -1n : 1n;
        // The whole units even when 0: a series is read by its values' fields.
        add(totals, totalName(FIELD.whole, series), sign * point.whole, true);
        add(totals, totalName(FIELD.millionths, series), sign * point.millionths);
      } else {
        add(totals, totalName(FIELD.bucket(bucketIndex(bounds, point.seconds)), series), 1n);
        add(totals, totalName(FIELD.sumMicros, series), point.micros);
      }
    }
  }
  const now = BigInt(Math.round(context.nowMs()));
  const claims = new Map<string, bigint>();
  for (const series of claimed) {
    add(claims, totalName(FIELD.claimedMs, series), now);
    add(claims, totalName(FIELD.claims, series), 1n);
  }
  return { add: totals, claims, set, rejected };
}

/**
 * The id text of the series a point adds to: its own, or its metric's overflow series
 * when a new series would exceed the limits. A series new to this agent is claimed (in
 * `claimed` and the context): the fold adds its creation claim once.
 */
function seriesOf(context: FoldContext, claimed: Set<string>, id: SeriesId, dimensionsJson?: string): string {
  let text = seriesIdText(id, dimensionsJson);
  if (context.known(text)) return text;
  if (id.dimensions !== null && !context.admits(id.kind, id.name)) {
    context.overflowed(id.kind, id.name);
    text = seriesIdText({ ...id, dimensions: null });
    if (context.known(text)) return text;
  }
  claimed.add(text);
  context.claim(id.kind, id.name, text);
  return text;
}
