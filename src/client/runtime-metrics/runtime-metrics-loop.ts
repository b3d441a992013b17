import { isPlainObject } from '../../config/is-plain-object.js';
import { durationSeconds, secondsToMilliseconds } from '../../config/duration-seconds.js';
import { describeValue } from '../../errors/describe-value.js';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';
import type { KadabraLogger } from '../../logging/logger.js';
import type { Metrics } from '../../metrics/metrics.js';
import type { MetricsCollector } from '../metrics-collector.js';
import { RuntimeSampler } from './runtime-sampler.js';

/** Seconds between two runtime-metrics messages when `intervalSeconds` is not given. */
export const DEFAULT_RUNTIME_METRICS_INTERVAL_SECONDS = 10;

/** Options of `Kadabra.collectRuntimeMetrics`. */
export interface RuntimeMetricsOptions {
  /** Seconds between two messages, from 0.001 (default 10). */
  readonly intervalSeconds?: number;
  /** Dimensions of every message, set after the client's `CLIENT_DEFAULT_DIMENSIONS` (overriding one of the same name). */
  readonly dimensions?: Readonly<Record<string, string>>;
}

/** Stops a runtime-metrics collection; calling it again does nothing. */
export type StopRuntimeMetrics = () => void;

/** Where a runtime-metrics collection gets its collectors and sends them: the client. */
export interface RuntimeMetricsSink {
  metrics(): MetricsCollector;
  send(metrics: Metrics): void;
}

/** Validated options: the interval in ms, the dimensions as entries. */
interface RuntimeMetricsPlan {
  readonly intervalMs: number;
  readonly dimensions: readonly (readonly [string, string])[];
}

/**
 * Checks the options of `collectRuntimeMetrics`.
 * @throws InvalidArgumentError naming the bad value and what is accepted.
 */
function planOf(options: unknown): RuntimeMetricsPlan {
  if (options !== undefined && !isPlainObject(options)) {
    throw new InvalidArgumentError(`collectRuntimeMetrics() options must be an object { intervalSeconds, dimensions }, got ${describeValue(options)}`);
  }
  const { intervalSeconds = DEFAULT_RUNTIME_METRICS_INTERVAL_SECONDS, dimensions = {} } = (options ?? {}) as Record<string, unknown>;
  const interval = durationSeconds().safeParse(intervalSeconds);
  if (!interval.success) {
    throw new InvalidArgumentError(
      `collectRuntimeMetrics() intervalSeconds must be a number of seconds from 0.001 to 2147483.647, got ${describeValue(intervalSeconds)}`,
    );
  }
  if (!isPlainObject(dimensions)) {
    throw new InvalidArgumentError(`collectRuntimeMetrics() dimensions must be a plain object of strings, got ${describeValue(dimensions)}`);
  }
  const entries = Object.entries(dimensions);
  for (const [name, value] of entries) {
    if (name === '' || typeof value !== 'string') {
      throw new InvalidArgumentError(
        `collectRuntimeMetrics() dimensions[${describeValue(name)}] must be a string under a non-empty name, got ${describeValue(value)}; convert it with String()`,
      );
    }
  }
  return { intervalMs: secondsToMilliseconds(interval.data), dimensions: entries as [string, string][] };
}

/**
 * Sends one collector of runtime metrics (`RUNTIME_METRICS`) through `sink` every
 * interval, from a timer that never keeps the process alive (`unref`). A failure to read
 * or record one interval is logged and the next interval is tried.
 *
 * @returns The function that stops it (idempotent).
 * @throws InvalidArgumentError for bad options, before anything starts.
 */
export function startRuntimeMetrics(sink: RuntimeMetricsSink, options: RuntimeMetricsOptions | undefined, logger: KadabraLogger): StopRuntimeMetrics {
  const { intervalMs, dimensions } = planOf(options);
  const sampler = new RuntimeSampler();
  sampler.start();
  const timer = setInterval(() => {
    try {
      const collector = sink.metrics();
      for (const [name, value] of dimensions) collector.setDimension(name, value);
      sampler.record(collector);
      sink.send(collector.close());
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'kadabra client: runtime metrics could not be recorded for this interval');
    }
  }, intervalMs);
  timer.unref();
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    sampler.stop();
  };
}
