import type { Channel } from '../channels/channel.js';
import { createChannel } from '../channels/create-channel.js';
import { resolveClientConfiguration, type ClientConfiguration } from '../config/index.js';
import { ClientClosedError } from '../errors/client-closed-error.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { componentLogger, createLogger, type KadabraLogger } from '../logging/logger.js';
import { Metrics } from '../metrics/metrics.js';
import { MessageEncoder } from '../metrics/message-encoder.js';
import { MetricsCollector } from './metrics-collector.js';
import { SendBuffer } from './send-buffer.js';
import type { SendStats } from './send-stats.js';

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
  private readonly buffer: SendBuffer;
  private readonly encoder = new MessageEncoder();
  private closing: Promise<SendStats> | undefined;

  /**
   * @param configuration the seed's `CLIENT_*` keys (others' `AGENT_*` keys are ignored);
   *   `KADABRA_<KEY>` environment variables override them.
   * @throws ConfigurationError naming the bad key, value and what is accepted.
   */
  constructor(configuration?: unknown, options: KadabraOptions = {}) {
    this.configuration = resolveClientConfiguration(configuration);
    const root = createLogger({ level: this.configuration.CLIENT_LOG_LEVEL, logger: options.logger });
    const logger = componentLogger(root, 'kadabra.client');
    this.channel =
      options.channel ??
      createChannel(
        this.configuration.CLIENT_CHANNEL_TYPE,
        this.configuration.CLIENT_CHANNEL_ARGS,
        componentLogger(root, 'kadabra.channel'),
      );
    this.buffer = new SendBuffer(this.channel, {
      maxMessages: this.configuration.CLIENT_BUFFER_MAX_MESSAGES,
      overflowLogIntervalMs: this.configuration.CLIENT_OVERFLOW_LOG_INTERVAL_SECONDS * 1000,
      logger,
    });
  }

  /** A new collector with the configured default dimensions and timestamp format. */
  metrics(): MetricsCollector {
    return new MetricsCollector(
      this.configuration.CLIENT_TIMESTAMP_FORMAT,
      this.configuration.CLIENT_DEFAULT_DIMENSIONS,
    );
  }

  /**
   * Queues metrics for the agent (usually `collector.close()`'s result). Returns at once.
   * @throws InvalidArgumentError if `metrics` is not a `Metrics`; ClientClosedError after `close()`.
   */
  send(metrics: Metrics): void {
    if (this.closing) throw new ClientClosedError();
    if (!(metrics instanceof Metrics)) {
      throw new InvalidArgumentError(
        `send() takes a Metrics (from collector.close()); got ${describe(metrics)}`,
      );
    }
    this.buffer.push(this.encoder.encode(metrics));
  }

  /** Resolves once everything sent so far is acknowledged, or after `CLIENT_FLUSH_TIMEOUT_SECONDS`. */
  flush(): Promise<SendStats> {
    return this.buffer.flush(this.configuration.CLIENT_FLUSH_TIMEOUT_SECONDS * 1000);
  }

  /** Delivery counts and the last error, at any time. */
  stats(): SendStats {
    return this.buffer.stats();
  }

  /**
   * Flushes (bounded by `CLIENT_FLUSH_TIMEOUT_SECONDS`), then closes the channel.
   * Idempotent. What could not be delivered is reported as `buffered`.
   */
  close(): Promise<SendStats> {
    this.closing ??= (async () => {
      try {
        await this.flush();
      } finally {
        this.buffer.stop();
        await this.channel.close();
      }
      return this.buffer.stats();
    })();
    return this.closing;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object of class ${value.constructor?.name ?? 'Object'}`;
  return `${typeof value} ${String(value).slice(0, 40)}`;
}
