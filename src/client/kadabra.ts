import type { Channel } from '../channels/channel.js';
import { createChannel } from '../channels/create-channel.js';
import { resolveClientConfiguration, type ClientConfiguration } from '../config/index.js';
import { ConfigurationError } from '../errors/configuration-error.js';
import { describeValue } from '../errors/describe-value.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { componentLogger, createLogger, type KadabraLogger } from '../logging/logger.js';
import { Metrics } from '../metrics/metrics.js';
import { compileTimestampFormat } from '../time/timestamp-format.js';
import { encodeMetricsTo } from '../wire/codec.js';
import { WireWriter } from '../wire/writer.js';
import { DEFAULT_WIRE_DIALECT, type WireDialect } from '../metrics/wire-dialect.js';
import { MetricsCollector, type MetricsCollectorOptions } from './metrics-collector.js';
import { RateLimitedWarning } from '../logging/rate-limited-warning.js';
import { SendBuffer } from './send-buffer.js';
import type { SendStats } from './send-stats.js';
import { secondsToMilliseconds } from '../config/duration-seconds.js';
import { ClientClosedError } from '../errors/client-closed-error.js';
import {
  startRuntimeMetrics,
  type RuntimeMetricsOptions,
  type StopRuntimeMetrics,
} from './runtime-metrics/runtime-metrics-loop.js';

/**
 * Longest wait for the channel to close once `close()` has flushed: a server that
 * stopped answering (SIGSTOP, a black-holed network) would otherwise hold `close()`
 * until TCP gives up. The channel is abandoned after it.
 */
const CHANNEL_CLOSE_TIMEOUT_MS = 1000;

/** Options of a `Kadabra` client beyond its configuration. */
export interface KadabraOptions {
  /** A pino logger of the application's; Kadabra logs through a child named `kadabra.client`. */
  readonly logger?: KadabraLogger;
  /** A channel to use instead of the configured one (tests, custom transports). */
  readonly channel?: Channel;
}

/**
 * The client API: hands out `MetricsCollector`s and sends what they collect to the
 * channel. `send()` returns at once and never throws because the channel is down;
 * messages wait in a bounded buffer and are delivered in order when it comes back.
 * Call `await close()` at shutdown to deliver what is buffered.
 *
 * ```ts
 * const client = new Kadabra();
 * const metrics = client.metrics();
 * metrics.addCount('signups', 1);
 * client.send(metrics.close());
 * await client.close();
 * ```
 */
export class Kadabra {
  /** The resolved configuration (defaults, file/environment overrides applied). */
  readonly configuration: ClientConfiguration;
  private readonly channel: Channel;
  /** How `send()` writes gauges: the channel's dialect, read once. */
  private readonly dialect: WireDialect;
  private readonly buffer: SendBuffer;
  /** Where `send()` encodes messages: the buffer holds views of its slabs. */
  private readonly writer = new WireWriter();
  private readonly logger: KadabraLogger;
  private readonly sharedWarning: RateLimitedWarning;
  private timestampsShared = 0;
  /** The options every collector of this client gets: one object, not one per collector (one per request). */
  private readonly collectorOptions: MetricsCollectorOptions = {
    onTimestampsShared: (count, example) => {
      this.timestampsShared += count;
      this.sharedWarning.add(count, { example });
    },
  };
  /** The runtime-metrics collections running, each by its stop function. */
  private readonly runtimeMetrics = new Set<StopRuntimeMetrics>();
  private closing: Promise<SendStats> | undefined;

  /**
   * @param configuration the original's `CLIENT_*` keys (others' `AGENT_*` keys are ignored);
   *   `KADABRA_<KEY>` environment variables override them.
   * @throws ConfigurationError naming the bad key, value and what is accepted (a
   *   `CLIENT_TIMESTAMP_FORMAT` that cannot be used included).
   */
  constructor(configuration?: unknown, options: KadabraOptions = {}) {
    this.configuration = resolveClientConfiguration(configuration);
    try {
      compileTimestampFormat(this.configuration.CLIENT_TIMESTAMP_FORMAT);
    } catch (error) {
      if (!(error instanceof InvalidArgumentError)) throw error;
      throw new ConfigurationError('CLIENT_TIMESTAMP_FORMAT', `CLIENT_TIMESTAMP_FORMAT: ${error.message}`);
    }
    const root = createLogger({ level: this.configuration.CLIENT_LOG_LEVEL, logger: options.logger });
    const logger = componentLogger(root, 'kadabra.client');
    this.logger = logger;
    this.channel =
      options.channel ??
      createChannel(
        this.configuration.CLIENT_CHANNEL_TYPE,
        this.configuration.CLIENT_CHANNEL_ARGS,
        componentLogger(root, 'kadabra.channel'),
      );
    this.dialect = this.channel.dialect ?? DEFAULT_WIRE_DIALECT;
    this.buffer = new SendBuffer(this.channel, {
      maxMessages: this.configuration.CLIENT_BUFFER_MAX_MESSAGES,
      maxBytes: this.configuration.CLIENT_BUFFER_MAX_BYTES,
      maxMessageBytes: this.configuration.CLIENT_MESSAGE_MAX_BYTES,
      overflowLogIntervalMs: secondsToMilliseconds(this.configuration.CLIENT_OVERFLOW_LOG_INTERVAL_SECONDS),
      logger,
    });
    this.sharedWarning = new RateLimitedWarning({
      logger,
      intervalMs: secondsToMilliseconds(this.configuration.CLIENT_OVERFLOW_LOG_INTERVAL_SECONDS),
      countField: 'timestampsShared',
      message:
        'kadabra client: more than 1,000 metrics of one series were given the same Date (millisecond); the ' +
        'further ones share a microsecond and InfluxDB may keep only one of two such points (1 chance in 1,000 ' +
        'a pair): pass bigint microsecond timestamps, or spread the times',
    });
    const runtimeInterval = this.configuration.CLIENT_RUNTIME_METRICS_INTERVAL_SECONDS;
    if (runtimeInterval !== null) this.collectRuntimeMetrics({ intervalSeconds: runtimeInterval });
  }

  /**
   * Sends the process's health every `intervalSeconds` (default 10), one collector per
   * interval, through `send()`: event-loop delay (p50, p99, max) and utilisation, heap,
   * external and array-buffer memory, RSS and active resources as gauges; CPU time and
   * garbage-collection pauses (count and seconds, by kind) as counters of what the
   * interval added. Names and meanings: docs/instrumentation.md. Its timer never keeps the
   * process alive; `close()` stops it. On the Redis list channel the gauges travel as
   * marked counters, so a Python Kadabra 0.5.0 agent sharing the queue still handles them.
   *
   * @param options - `intervalSeconds` and `dimensions` (set after the client's default dimensions).
   * @returns The function that stops it (idempotent).
   * @throws InvalidArgumentError for a bad interval or dimension, naming it.
   * @throws ClientClosedError after `close()`.
   */
  collectRuntimeMetrics(options?: RuntimeMetricsOptions): StopRuntimeMetrics {
    if (this.closing !== undefined) throw new ClientClosedError('collectRuntimeMetrics');
    const stopCollection = startRuntimeMetrics(this, options, this.logger);
    const stop: StopRuntimeMetrics = () => {
      this.runtimeMetrics.delete(stop);
      stopCollection();
    };
    this.runtimeMetrics.add(stop);
    return stop;
  }

  /** A new collector with the configured default dimensions and timestamp format. */
  metrics(): MetricsCollector {
    return new MetricsCollector(this.configuration.CLIENT_TIMESTAMP_FORMAT, this.configuration.CLIENT_DEFAULT_DIMENSIONS, this.collectorOptions);
  }

  /**
   * Queues metrics for the agent (usually `collector.close()`'s result). Returns at once
   * and never throws for delivery: while `close()` is flushing, what is sent is buffered
   * and flushed with the rest; once `close()` has stopped delivering (its flush timeout
   * passed, or it finished), what is sent is dropped and counted (`droppedBy.afterClose`
   * in `stats()`, and a rate-limited warning).
   * @throws InvalidArgumentError if `metrics` is not a `Metrics`, or holds a value the wire cannot carry.
   */
  send(metrics: Metrics): void {
    if (!(metrics instanceof Metrics)) {
      throw new InvalidArgumentError(
        `send() takes a Metrics (from collector.close()); got ${describeValue(metrics)}`,
      );
    }
    this.buffer.push(encodeMetricsTo(this.writer, metrics, this.dialect));
  }

  /** Resolves once everything sent so far is acknowledged, or after `CLIENT_FLUSH_TIMEOUT_SECONDS`. */
  flush(): Promise<SendStats> {
    return this.buffer.flush(secondsToMilliseconds(this.configuration.CLIENT_FLUSH_TIMEOUT_SECONDS));
  }

  /** Delivery counts and the last error, at any time. */
  stats(): SendStats {
    return this.buffer.stats(this.timestampsShared);
  }

  /**
   * Stops runtime-metrics collection, then flushes (bounded by `CLIENT_FLUSH_TIMEOUT_SECONDS`; messages sent meanwhile are
   * flushed too), then closes the channel, waiting at most one more second for it: it
   * resolves within the flush timeout plus a second whatever the server does. Idempotent.
   * What could not be delivered is reported as `buffered` (and `bufferedBytes`); what was
   * dropped, by reason, in `droppedBy`.
   */
  close(): Promise<SendStats> {
    this.closing ??= (async () => {
      for (const stop of [...this.runtimeMetrics]) stop();
      try {
        await this.flush();
      } finally {
        this.buffer.stop();
        await this.closeChannel();
        this.buffer.flushWarnings();
        this.sharedWarning.flush();
      }
      return this.stats();
    })();
    return this.closing;
  }

  private async closeChannel(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), CHANNEL_CLOSE_TIMEOUT_MS);
      timer.unref();
    });
    try {
      const outcome = await Promise.race([this.channel.close().then(() => 'closed' as const), timedOut]);
      if (outcome === 'timeout') {
        this.logger.warn(
          { timeoutMs: CHANNEL_CLOSE_TIMEOUT_MS },
          'kadabra client: the channel did not close in time (is the server responding?); it was abandoned',
        );
      }
    } catch (error) {
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'kadabra client: closing the channel failed');
    } finally {
      clearTimeout(timer);
    }
  }
}
