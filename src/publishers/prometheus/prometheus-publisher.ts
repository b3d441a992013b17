import { describeError } from '../../agent/channel-failures.js';
import type { MetricFamily } from '../../agent/monitoring/exposition.js';
import { createLogger, type KadabraLogger } from '../../logging/logger.js';
import { RateLimitedWarning } from '../../logging/rate-limited-warning.js';
import type { Metrics } from '../../metrics/metrics.js';
import type { ChannelLease, Publisher, PublisherOptions, PublisherTask, PublishOutcome, ReadChannelLatest, ReadChannelState } from '../publisher.js';
import { foldMetrics, type FoldContext } from './fold-metrics.js';
import { gaugeFamilies, groupGauges, type GaugeSeries } from './gauge-families.js';
import { PROMETHEUS_PUBLISHER_DEFAULT_ARGS, prometheusPublisherArgsSchema, type PrometheusPublisherArgs } from './prometheus-publisher-args.js';
import { createdSeconds, seriesFamilies, SeriesOrder } from './series-families.js';
import {
  CREATED_NAMESPACE,
  FIELD,
  groupTotals,
  PROMETHEUS_NAMESPACE,
  totalName,
  VALUE_PREFIX,
  type SeriesId,
  type SeriesTotals,
  type TotalNameParts,
} from './series-totals.js';
import { RemoteWriter } from './remote-write/remote-writer.js';

/**
 * How long after a series began its creation claims may still change: a second agent's
 * claim lands with the completion of the batch it folded, at most a command timeout
 * (10 s) after. Until then an agent reads a series' claims at every scrape, then keeps
 * its `_created`.
 */
export const CLAIMS_SETTLE_MS = 30_000;

/** At most one overflow or negative-increment warning per this many ms. */
const WARNING_INTERVAL_MS = 10_000;

/** When a series' totals last changed, as this agent saw them. */
interface SeenSeries {
  readonly signature: string;
  readonly sinceMs: number;
}

/**
 * Turns every message into cumulative Prometheus series, counted exactly once: `publish`
 * only folds a batch into the integer amounts it adds to the totals (`foldMetrics`), and
 * the agent completes the batch with them, so the channel applies them in the step that
 * removes the messages, and only if it does (`Channel.complete`). The totals live in the
 * channel: every agent of the channel, and a restarted one, serves the same series on its
 * `/metrics` (`seriesFamilies`), read from the channel at scrape time.
 *
 * It knows which series exist from its last read of the totals and those it created
 * since; the cardinality limits count those (two agents racing may each admit the last
 * series allowed: the limits hold within a few series).
 */
export class PrometheusPublisher implements Publisher {
  private readonly args: PrometheusPublisherArgs;
  private readonly logger: KadabraLogger;
  private readState: ReadChannelState | undefined;
  private readLatest: ReadChannelLatest | undefined;
  /** Series in the channel at the last read. */
  private stored = new Set<string>();
  /** Series this agent created since the last read. */
  private claimed = new Map<string, string>();
  /** Series per metric (`kind|name`), of `stored` and `claimed`. */
  private perMetric = new Map<string, number>();
  private seriesCount = 0;
  private readonly seen = new Map<string, SeenSeries>();
  /** What each total's name read so far says (of the totals still in the channel), so that a scrape parses only new names. */
  private parsed = new Map<string, TotalNameParts>();
  /** The gauge series ids parsed so far (of the gauges still in the channel). */
  private gaugeIds = new Map<string, SeriesId | null>();
  private readonly order = new SeriesOrder();
  /** When each series served began (seconds since the epoch), as last read (see `readCreated`). */
  private readonly created = new Map<string, number>();
  private readonly overflowWarning: RateLimitedWarning;
  private readonly negativeWarning: RateLimitedWarning;
  private readonly foldContext: FoldContext;

  constructor(options: PublisherOptions<PrometheusPublisherArgs> = {}) {
    this.args = prometheusPublisherArgsSchema.parse({ ...PROMETHEUS_PUBLISHER_DEFAULT_ARGS, ...options.args });
    this.logger = (options.logger ?? createLogger()).child({ component: 'prometheus' });
    this.overflowWarning = new RateLimitedWarning({
      logger: this.logger,
      intervalMs: WARNING_INTERVAL_MS,
      message: 'a metric has more series than its limit (max_series_per_metric, max_series): new dimension sets are counted in its overflow series {kadabra_overflow="true"}',
      countField: 'points',
    });
    this.negativeWarning = new RateLimitedWarning({
      logger: this.logger,
      intervalMs: WARNING_INTERVAL_MS,
      message: `negative counter increments are not added to the counter (a Prometheus counter only grows); they are counted in kadabra_prometheus_negative_increments_total`,
      countField: 'increments',
    });
    this.foldContext = {
      bucketsOf: (name) => this.bucketsOf(name),
      known: (idText) => this.stored.has(idText) || this.claimed.has(idText),
      admits: (kind, name) =>
        this.seriesCount < this.args.max_series && (this.perMetric.get(`${kind}|${name}`) ?? 0) < this.args.max_series_per_metric,
      claim: (kind, name, idText) => {
        this.claimed.set(idText, `${kind}|${name}`);
        this.count(`${kind}|${name}`);
      },
      overflowed: (_kind, name) => this.overflowWarning.add(1, { metric: name }),
      negative: (name) => this.negativeWarning.add(1, { metric: name }),
      nowMs: () => Date.now(),
    };
  }

  useChannelState(read: ReadChannelState, readLatest: ReadChannelLatest): void {
    this.readState = read;
    this.readLatest = readLatest;
  }

  /**
   * Learns the series already in the channel, so that their creation is not claimed again.
   * A channel that does not answer yet is no reason to stop: the first scrape learns them
   * (until then a series may be claimed twice, its `_created` then the mean of both claims).
   */
  async prepare(): Promise<void> {
    if (this.readState === undefined || this.readLatest === undefined) return;
    try {
      const [state, latest] = await Promise.all([
        this.readState(PROMETHEUS_NAMESPACE, { prefix: VALUE_PREFIX }),
        this.readLatest(PROMETHEUS_NAMESPACE),
      ]);
      this.learn(groupTotals(state, this.parsed), groupGauges(latest, this.gaugeIds));
    } catch (error) {
      this.logger.warn({ err: describeError(error) }, 'could not read the Prometheus totals from the channel yet; the first scrape will');
    }
  }

  /**
   * Folds the batch; writes nothing. The agent completes the written messages with the
   * returned `stateChange`: the values (and its gauges' values set if newer) and, in their
   * own namespace, the creation claims of series new to this agent. A message with a value
   * Prometheus totals cannot count (not a finite number, beyond ±2^62) is rejected with the reason.
   */
  async publish(batch: readonly Metrics[]): Promise<PublishOutcome> {
    const { add, claims, set, rejected } = foldMetrics(batch, this.foldContext);
    if (add.size === 0 && set.size === 0) return { rejected };
    const values = set.size === 0 ? { namespace: PROMETHEUS_NAMESPACE, add } : { namespace: PROMETHEUS_NAMESPACE, add, set };
    return { rejected, stateChange: claims.size === 0 ? values : [values, { namespace: CREATED_NAMESPACE, add: claims }] };
  }

  /**
   * The series, read from the channel now; without `stale_after`'s idle ones. Each scrape
   * reads every series' values; a series' creation claims (kept apart, in
   * `CREATED_NAMESPACE`) only while they may still change (`readCreated`).
   */
  async seriesFamilies(): Promise<MetricFamily[]> {
    const read = this.readState;
    if (read === undefined || this.readLatest === undefined) return [];
    const [state, latest] = await Promise.all([read(PROMETHEUS_NAMESPACE, { prefix: VALUE_PREFIX }), this.readLatest(PROMETHEUS_NAMESPACE)]);
    if (this.parsed.size > state.size * 2) this.parsed = new Map();
    if (this.gaugeIds.size > latest.size * 2) this.gaugeIds = new Map();
    const series = groupTotals(state, this.parsed);
    const gauges = groupGauges(latest, this.gaugeIds);
    this.learn(series, gauges);
    await this.readCreated(read, series);
    const counterNames = new Set<string>();
    for (const { id } of series.values()) if (id.kind === 'c') counterNames.add(id.name);
    return [
      ...seriesFamilies(this.fresh(this.order.sorted(series), totalsSignature), (name) => this.bucketsOf(name), (idText) => this.created.get(idText)),
      ...gaugeFamilies(this.fresh(gauges.values(), gaugeSignature), counterNames),
    ];
  }

  /**
   * The remote write (`remote_write`): the series of `/metrics` pushed every
   * `remote_write_interval` by the agent of the channel that holds the lease; undefined
   * without receivers.
   */
  backgroundTask(lease: ChannelLease): PublisherTask | undefined {
    if (this.args.remote_write.length === 0) return undefined;
    return new RemoteWriter({
      receivers: this.args.remote_write,
      intervalSeconds: this.args.remote_write_interval,
      labels: this.args.remote_write_labels,
      families: () => this.seriesFamilies(),
      lease,
      logger: this.logger.child({ task: 'remote write' }),
    });
  }

  async close(): Promise<void> {
    this.overflowWarning.flush();
    this.negativeWarning.flush();
  }

  private bucketsOf(name: string): readonly number[] {
    return Object.hasOwn(this.args.buckets_by_metric, name) ? (this.args.buckets_by_metric[name] as number[]) : this.args.buckets;
  }

  private count(metric: string): void {
    this.perMetric.set(metric, (this.perMetric.get(metric) ?? 0) + 1);
    this.seriesCount += 1;
  }

  /**
   * Reads the creation time of the series served for the first time, and again while a
   * series is younger than `CLAIMS_SETTLE_MS` (a racing claim may still land and move the
   * mean), so that every agent serves the same `_created`.
   */
  private async readCreated(read: ReadChannelState, series: ReadonlyMap<string, SeriesTotals>): Promise<void> {
    if (this.created.size > series.size * 2) {
      for (const idText of this.created.keys()) if (!series.has(idText)) this.created.delete(idText);
    }
    const settledBefore = (Date.now() - CLAIMS_SETTLE_MS) / 1000;
    const first = [...series.keys()].filter((idText) => !((this.created.get(idText) ?? Infinity) < settledBefore));
    if (first.length === 0) return;
    const claims = await read(CREATED_NAMESPACE, {
      names: first.flatMap((idText) => [totalName(FIELD.claimedMs, idText), totalName(FIELD.claims, idText)]),
    });
    for (const idText of first) {
      const created = createdSeconds(claims, idText);
      // Claimed in the step that wrote the series' first values, so present: without one, read again next time.
      if (created !== undefined) this.created.set(idText, created);
    }
  }

  /**
   * Replaces what this agent knows about the series with what the channel holds; nothing
   * to do when it holds the series this agent knows, and this agent claimed none since.
   */
  private learn(series: ReadonlyMap<string, SeriesTotals>, gauges: ReadonlyMap<string, GaugeSeries>): void {
    if (this.claimed.size === 0 && this.stored.size === series.size + gauges.size && this.storesAll(series) && this.storesAll(gauges)) return;
    this.stored = new Set([...series.keys(), ...gauges.keys()]);
    this.claimed = new Map();
    this.perMetric = new Map();
    this.seriesCount = 0;
    for (const { id } of [...series.values(), ...gauges.values()]) {
      if (id.dimensions !== null) this.count(`${id.kind}|${id.name}`);
    }
  }

  private storesAll(series: ReadonlyMap<string, unknown>): boolean {
    for (const idText of series.keys()) if (!this.stored.has(idText)) return false;
    return true;
  }

  /**
   * The series to expose: all of them, or with `stale_after` those whose totals changed
   * within it, as this agent saw them (a series is stale once its totals stayed the same
   * over that many seconds of this agent's scrapes; it returns when it changes).
   */
  private *fresh<T extends { readonly idText: string }>(series: Iterable<T>, signatureOf: (one: T) => string): Generator<T> {
    const staleAfterMs = this.args.stale_after * 1000;
    if (staleAfterMs === 0) {
      yield* series;
      return;
    }
    const now = Date.now();
    for (const one of series) {
      const signature = signatureOf(one);
      const seen = this.seen.get(one.idText);
      if (seen === undefined || seen.signature !== signature) {
        this.seen.set(one.idText, { signature, sinceMs: now });
        yield one;
      } else if (now - seen.sinceMs < staleAfterMs) {
        yield one;
      }
    }
  }
}

/** What a series' totals are now, to tell whether they changed. */
function totalsSignature(series: SeriesTotals): string {
  return [...series.fields].map(([field, amount]) => `${field}=${amount}`).sort().join(',');
}

/** What a gauge series' value is now, to tell whether it changed. */
function gaugeSignature(gauge: GaugeSeries): string {
  return `${gauge.latest.timestamp} ${gauge.latest.value}`;
}
