import { z } from 'zod';
import { REMOTE_WRITE_ARGUMENTS, REMOTE_WRITE_DEFAULT_ARGS } from './remote-write/remote-write-args.js';

/**
 * Histogram bucket upper bounds in seconds, as client libraries default to
 * (prom-client's and the Go client's `DefBuckets`): 5 ms to 10 s.
 */
export const DEFAULT_BUCKETS_SECONDS: readonly number[] = Object.freeze([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);

const buckets = z
  .array(z.number().refine((bound) => Number.isFinite(bound), 'must be a finite number of seconds'))
  .min(1)
  .max(64)
  .refine((bounds) => bounds.every((bound, i) => i === 0 || bound > (bounds[i - 1] as number)), 'must be in increasing order, each bound once');

/** Arguments of `PrometheusPublisher`. */
export const prometheusPublisherArgsSchema = z
  .object({
    /** Upper bounds (seconds) of every timer's histogram buckets; `+Inf` is added. Default `DEFAULT_BUCKETS_SECONDS`. */
    buckets: buckets.describe(
      'Upper bounds, in seconds and increasing, of the histogram buckets of every timer (`+Inf` is added); default 0.005 to 10 s, as prom-client.',
    ),
    /** Bucket bounds of particular timers, by Kadabra timer name; overrides `buckets` for them. */
    buckets_by_metric: z
      .record(z.string(), buckets)
      .describe('Bucket bounds of particular timers, by their Kadabra name (e.g. `{"db.query": [0.001, 0.01, 0.1]}`). Changing a timer\'s buckets starts its histogram afresh (see docs/prometheus.md).'),
    /** Most series of one metric; what exceeds it is counted in the metric's overflow series. Default 2000. */
    max_series_per_metric: z
      .number()
      .int()
      .min(1)
      .describe('Most series (dimension sets) of one metric; further dimension sets are counted in its overflow series `{kadabra_overflow="true"}` and logged.'),
    /** Most series in all. Default 100000. */
    max_series: z
      .number()
      .int()
      .min(1)
      .describe('Most series of all metrics together; beyond it new dimension sets go to their metric\'s overflow series.'),
    /** Seconds after which a series that did not change is left out of `/metrics`; 0: never. Default 0. */
    stale_after: z
      .number()
      .min(0)
      .meta({ unit: 'seconds' })
      .describe('Leave a series out of `/metrics` once it has not changed for this many seconds (its totals are kept; it returns when it changes); 0 keeps every series.'),
    ...REMOTE_WRITE_ARGUMENTS,
  })
  .strict();

/** Arguments of `PrometheusPublisher`, fully resolved. */
export type PrometheusPublisherArgs = z.infer<typeof prometheusPublisherArgsSchema>;

/** Default arguments of the Prometheus publisher. */
export const PROMETHEUS_PUBLISHER_DEFAULT_ARGS: Readonly<PrometheusPublisherArgs> = Object.freeze({
  buckets: [...DEFAULT_BUCKETS_SECONDS],
  buckets_by_metric: {},
  max_series_per_metric: 2000,
  max_series: 100_000,
  stale_after: 0,
  ...REMOTE_WRITE_DEFAULT_ARGS,
});
