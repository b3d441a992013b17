import { componentLogger, createLogger, type KadabraLogger } from '../../logging/logger.js';
import type { Metrics } from '../../metrics/metrics.js';
import { TransientPublishError } from '../../errors/publish-error.js';
import type { Publisher, PublisherOptions, PublishOutcome } from '../publisher.js';
import { parsePublisherArgs } from '../publisher-types.js';
import { DEBUG_PUBLISHER_DEFAULT_ARGS, type DebugPublisherArgs } from './debug-publisher-args.js';

/** Options of `DebugPublisher`: `args.logger_name` names the child logger the metrics go to. */
export type DebugPublisherOptions = PublisherOptions<DebugPublisherArgs>;

/**
 * Publishes metrics to a logger, for development: each message that holds any counter or
 * timer is logged at INFO on the logger named `logger_name`, with its wire dictionary
 * (`Metrics.serialize()`) as the `metrics` field of the JSON log line. Never rejects a
 * message and never fails.
 */
export class DebugPublisher implements Publisher {
  /** Default arguments (the original's `DebugPublisher.DEFAULT_ARGS`). */
  static readonly DEFAULT_ARGS = DEBUG_PUBLISHER_DEFAULT_ARGS;

  /** The resolved arguments. */
  readonly args: Readonly<DebugPublisherArgs>;
  private readonly logger: KadabraLogger;

  /** @throws ConfigurationError naming the argument that is not accepted. */
  constructor(options: DebugPublisherOptions = {}) {
    this.args = parsePublisherArgs('debug', options.args);
    this.logger = componentLogger(options.logger ?? createLogger(), this.args.logger_name);
  }

  /**
   * Logs each message that has counters, timers or gauges (an empty one is skipped, as in
   * the original) and resolves once the lines are written out. Gauges are logged in the
   * message's `gauges` array.
   */
  publish(batch: readonly Metrics[]): Promise<PublishOutcome> {
    let logged = 0;
    for (const metrics of batch) {
      const { counters, timers, gauges } = metrics;
      if (counters.length + timers.length + gauges.length === 0) continue;
      const summary = `metrics: ${counters.length} counter(s), ${timers.length} timer(s)`;
      this.logger.info(
        { metrics: metrics.serialize('extended') },
        gauges.length === 0 ? summary : `${summary}, ${gauges.length} gauge(s)`,
      );
      logged += 1;
    }
    if (logged === 0) return Promise.resolve({ rejected: [] });
    // The agent completes a message once publish resolves, so its lines must have left
    // the process by then. Kadabra's own loggers write synchronously; a logger passed in
    // by the user may buffer (pino destinations with minLength > 0): flush waits for it.
    return new Promise((resolve, reject) => {
      this.logger.flush((error?: Error) => {
        if (error) reject(new TransientPublishError(`debug output could not be written: ${error.message}`, { cause: error }));
        else resolve({ rejected: [] });
      });
    });
  }

  /** Nothing to release. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
