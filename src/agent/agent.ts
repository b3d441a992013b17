import type { Channel } from '../channels/channel.js';
import { createChannel } from '../channels/create-channel.js';
import { resolveAgentConfiguration, type AgentConfiguration } from '../config/index.js';
import { componentLogger, createLogger, type KadabraLogger } from '../logging/logger.js';
import { createPublisher } from '../publishers/create-publisher.js';
import type { Publisher } from '../publishers/publisher.js';
import type { AgentComponent } from './agent-component.js';
import { BatchedNanny } from './batched-nanny.js';
import { BatchedReceiver } from './batched-receiver.js';
import { describeError } from './channel-failures.js';
import { Nanny } from './nanny.js';
import { PublishGate } from './publish-gate.js';
import { Receiver } from './receiver.js';

/** Options of an `Agent` beyond its configuration. */
export interface AgentOptions {
  /** A pino logger of yours; the agent logs through children of it instead of its own. */
  readonly logger?: KadabraLogger;
  /** A channel to use instead of the configured one. The agent does not close it. */
  readonly channel?: Channel;
  /** A publisher to use instead of the configured one. The agent does not close it. */
  readonly publisher?: Publisher;
  /** Where `KADABRA_<KEY>` overrides are read from. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Reads metrics from a channel and publishes them. Internally a receiver (`Receiver`, or
 * `BatchedReceiver` when `AGENT_TYPE` is `batched`) and a nanny (`Nanny` / `BatchedNanny`)
 * that republishes messages stuck in progress. Run it in a dedicated process:
 *
 * ```ts
 * const agent = new Agent();
 * process.on('SIGINT', agent.stop);
 * process.on('SIGTERM', agent.stop);
 * await agent.start();
 * ```
 */
export class Agent {
  /** The resolved configuration (defaults, your overrides, then the environment's). */
  readonly configuration: AgentConfiguration;
  private readonly logger: KadabraLogger;
  private readonly channel: Channel;
  private readonly publisher: Publisher;
  private readonly ownsChannel: boolean;
  private readonly ownsPublisher: boolean;
  private readonly receiver: AgentComponent;
  private readonly nanny: AgentComponent;
  private running: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  /**
   * @param configuration the seed's `AGENT_*` / `BATCHED_AGENT_*` keys (`CLIENT_*` keys are
   *   ignored, so one file can serve both).
   * @throws ConfigurationError naming the bad key, the value and what is accepted.
   */
  constructor(configuration?: unknown, options: AgentOptions = {}) {
    const config = resolveAgentConfiguration(configuration, options.env ?? process.env);
    this.configuration = config;
    const root = createLogger({ level: config.AGENT_LOG_LEVEL, logger: options.logger });
    this.logger = componentLogger(root, config.AGENT_LOGGER_NAME);

    this.ownsPublisher = options.publisher === undefined;
    this.publisher =
      options.publisher ?? createPublisher(config.AGENT_PUBLISHER_TYPE, config.AGENT_PUBLISHER_ARGS, root);
    this.ownsChannel = options.channel === undefined;
    this.channel =
      options.channel ??
      createChannel(
        config.AGENT_CHANNEL_TYPE,
        config.AGENT_CHANNEL_ARGS,
        componentLogger(root, config.AGENT_CHANNEL_ARGS.logger),
      );

    const gate = new PublishGate();
    const frequency = config.AGENT_NANNY_FREQUENCY_SECONDS;
    const threshold = config.AGENT_NANNY_THRESHOLD_SECONDS;
    const receiverLogger = this.logger.child({ component: 'receiver' });
    const nannyLogger = this.logger.child({ component: 'nanny' });
    if (config.AGENT_TYPE === 'batched') {
      this.receiver = new BatchedReceiver(
        this.channel, this.publisher, receiverLogger,
        config.BATCHED_AGENT_INTERVAL_SECONDS, config.BATCHED_AGENT_MAX_BATCH_SIZE, { gate },
      );
      this.nanny = new BatchedNanny(
        this.channel, this.publisher, nannyLogger,
        frequency, threshold, config.BATCHED_AGENT_NANNY_MAX_BATCH_SIZE, { gate },
      );
    } else {
      this.receiver = new Receiver(this.channel, this.publisher, receiverLogger, config.AGENT_RECEIVER_THREADS, {
        gate,
        maxBatchSize: config.AGENT_RECEIVER_MAX_BATCH_SIZE,
      });
      this.nanny = new Nanny(
        this.channel, this.publisher, nannyLogger,
        frequency, threshold, config.AGENT_NANNY_QUERY_LIMIT, config.AGENT_NANNY_THREADS, { gate },
      );
    }
  }

  /**
   * Starts receiving and publishing. Resolves once the agent has stopped (after `stop()`)
   * and released its channel and publisher; rejects only if a part of it ended on its
   * own, which is a bug (the agent then stops the rest first).
   */
  start(): Promise<void> {
    this.running ??= this.run();
    return this.running;
  }

  /**
   * Stops gracefully: in-flight publishes finish, nothing new is taken, then the channel
   * and publisher the agent created are closed. Idempotent; every cleanup step runs even
   * if another fails. A bound function taking any arguments, so it can be handed to
   * `process.on('SIGTERM', agent.stop)` as is.
   */
  readonly stop = (..._ignored: unknown[]): Promise<void> => {
    this.stopping ??= this.shutdown();
    return this.stopping;
  };

  private async run(): Promise<void> {
    if (this.stopping) return this.stopping;
    // Every wait inside the agent is unref'd; this keeps the process alive while it runs.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    try {
      const c = this.configuration;
      this.logger.info(
        { type: c.AGENT_TYPE, channel: c.AGENT_CHANNEL_TYPE, publisher: c.AGENT_PUBLISHER_TYPE, ...this.endpoint() },
        'agent started',
      );
      const parts = [this.receiver.start(), this.nanny.start()];
      await Promise.race(parts);
      const unexpected = this.stopping === undefined;
      if (unexpected) this.logger.fatal('an agent component ended on its own; stopping the agent');
      await this.stop();
      await Promise.all(parts);
      if (unexpected) throw new Error('an agent component ended on its own; see the agent log');
    } finally {
      clearInterval(keepAlive);
    }
  }

  private async shutdown(): Promise<void> {
    this.logger.info('agent stopping: finishing in-flight publishes');
    const results = await Promise.allSettled([this.receiver.stop(), this.nanny.stop()]);
    for (const result of results) {
      if (result.status === 'rejected') this.logger.error({ err: describeError(result.reason) }, 'stopping a component failed');
    }
    const closers: [string, () => Promise<void>][] = [];
    if (this.ownsPublisher) closers.push(['publisher', () => this.publisher.close()]);
    if (this.ownsChannel) closers.push(['channel', () => this.channel.close()]);
    for (const [what, close] of closers) {
      try {
        await close();
      } catch (error) {
        this.logger.error({ err: describeError(error) }, `closing the ${what} failed`);
      }
    }
    this.logger.info('agent stopped');
  }

  /** Where the channel connects, when it can say so without credentials. */
  private endpoint(): { endpoint?: string } {
    const endpoint: unknown = Reflect.get(this.channel, 'endpoint');
    return typeof endpoint === 'string' ? { endpoint } : {};
  }
}
