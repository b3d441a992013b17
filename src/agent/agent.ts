import type { Channel } from '../channels/channel.js';
import { createChannel } from '../channels/create-channel.js';
import { isAgentConfiguration, resolveAgentConfiguration, type AgentConfiguration } from '../config/index.js';
import { componentLogger, createLogger, type KadabraLogger } from '../logging/logger.js';
import { registerSecret } from '../logging/redact-secrets.js';
import { createPublisher } from '../publishers/create-publisher.js';
import type { Publisher } from '../publishers/publisher.js';
import type { AgentComponent } from './agent-component.js';
import { BatchedNanny } from './batched-nanny.js';
import { BatchedReceiver } from './batched-receiver.js';
import { describeError } from './channel-failures.js';
import { AgentMonitoring } from './monitoring/agent-monitoring.js';
import { Nanny } from './nanny.js';
import { PublishGate } from './publish-gate.js';
import { Receiver } from './receiver.js';

/**
 * On stop, how long publishes in flight get to finish before the agent stops waiting for
 * them (their messages stay in progress for the next agent's nanny; republishing is
 * idempotent). With the closing bound below and the CLI's own, `kadabra agent` exits
 * within about 3 s of SIGTERM whatever the channel's server or the database does.
 */
export const STOP_GRACE_MS = 1500;
/** How long closing the channel, the publisher and the HTTP listener may take, together, on stop. */
export const CLOSE_GRACE_MS = 500;

/** Waits for `promise` at most `ms`; `true` when it settled in time. Never rejects. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true, () => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}

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
  /** The publisher's own work beside publishing (remote write), if it has any. */
  private readonly background: AgentComponent | undefined;
  /** The HTTP listener and what it reports; undefined while `AGENT_HTTP_PORT` is unset. */
  private readonly monitoring: AgentMonitoring | undefined;
  private running: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private readonly stopRequested: Promise<void>;
  private onStopRequested: () => void = () => undefined;

  /**
   * @param configuration the original's `AGENT_*` / `BATCHED_AGENT_*` keys (`CLIENT_*` keys are
   *   ignored, so one file can serve both), or a configuration `resolveAgentConfiguration`
   *   returned, used as it is (the environment it was resolved with already applied).
   * @throws ConfigurationError naming the bad key, the value and what is accepted.
   */
  constructor(configuration?: unknown, options: AgentOptions = {}) {
    this.stopRequested = new Promise((resolve) => {
      this.onStopRequested = resolve;
    });
    const config = isAgentConfiguration(configuration)
      ? configuration
      : resolveAgentConfiguration(configuration, options.env ?? process.env);
    this.configuration = config;
    // Masked wherever it might appear (an echo in an error); never logged or answered anyway.
    if (config.AGENT_HTTP_TOKEN !== null) registerSecret(config.AGENT_HTTP_TOKEN);
    const root = createLogger({ level: config.AGENT_LOG_LEVEL, format: config.AGENT_LOG_FORMAT, logger: options.logger });
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

    const channel = this.channel;
    this.publisher.useChannelState?.((namespace, select) => channel.readState(namespace, select), (namespace) => channel.readLatest(namespace));
    this.background = this.publisher.backgroundTask?.((name, owner, ttlMs) => channel.lease(name, owner, ttlMs));

    const gate = new PublishGate();
    this.monitoring =
      config.AGENT_HTTP_PORT === null
        ? undefined
        : new AgentMonitoring(
            { host: config.AGENT_HTTP_HOST, port: config.AGENT_HTTP_PORT, token: config.AGENT_HTTP_TOKEN },
            { channel: this.channel, publisher: this.publisher, gate, logger: this.logger, configuration: config },
          );
    // What every receiver and nanny type takes; the gate is shared so the nanny sees an outage.
    const parts = {
      channel: this.channel,
      publisher: this.publisher,
      gate,
      ...(this.monitoring ? { stats: this.monitoring.stats } : {}),
    };
    const maxMessageBytes = config.AGENT_MESSAGE_MAX_BYTES;
    const receiver = {
      ...parts,
      logger: this.logger.child({ component: 'receiver' }),
      limits: { maxMessageBytes, maxBatchBytes: config.AGENT_RECEIVER_MAX_BATCH_BYTES },
    };
    const nanny = {
      ...parts,
      logger: this.logger.child({ component: 'nanny' }),
      limits: { maxMessageBytes, maxBatchBytes: config.AGENT_NANNY_MAX_BATCH_BYTES },
      frequencySeconds: config.AGENT_NANNY_FREQUENCY_SECONDS,
      thresholdSeconds: config.AGENT_NANNY_THRESHOLD_SECONDS,
      maxDeliveries: config.AGENT_MAX_DELIVERIES,
    };
    if (config.AGENT_TYPE === 'batched') {
      this.receiver = new BatchedReceiver({
        ...receiver,
        intervalSeconds: config.BATCHED_AGENT_INTERVAL_SECONDS,
        maxBatchSize: config.BATCHED_AGENT_MAX_BATCH_SIZE,
      });
      this.nanny = new BatchedNanny({ ...nanny, maxBatchSize: config.BATCHED_AGENT_NANNY_MAX_BATCH_SIZE });
    } else {
      this.receiver = new Receiver({
        ...receiver,
        workers: config.AGENT_RECEIVER_THREADS,
        maxBatchSize: config.AGENT_RECEIVER_MAX_BATCH_SIZE,
      });
      this.nanny = new Nanny({ ...nanny, queryLimit: config.AGENT_NANNY_QUERY_LIMIT, workers: config.AGENT_NANNY_THREADS });
    }
  }

  /**
   * Where the HTTP listener (`/healthz`, `/readyz`, `/metrics`) listens once `start()` has
   * opened it (the port taken when `AGENT_HTTP_PORT` is 0); undefined while it is off or
   * not open yet.
   */
  get httpAddress(): { readonly host: string; readonly port: number } | undefined {
    return this.monitoring?.address;
  }

  /**
   * Starts receiving and publishing. Resolves once the agent has stopped (after `stop()`)
   * and released its channel and publisher. Rejects when the HTTP listener cannot open
   * (the port is taken; nothing is received then), when the channel's `prepare` finds a setup
   * it does not fit (a Redis Streams shard count), when the publisher's `prepare` finds a
   * setup it can never publish with (nothing is received then either), or if a part of it ended on its own,
   * which is a bug (the agent then stops the rest first).
   */
  start(): Promise<void> {
    this.running ??= this.run();
    return this.running;
  }

  /**
   * Stops gracefully, within a bound whatever the servers do: nothing new is taken,
   * in-flight publishes get `STOP_GRACE_MS` to finish (what they hold stays in progress
   * for the next agent otherwise), then the channel and publisher the agent created are
   * closed, for at most `CLOSE_GRACE_MS`. Idempotent; every cleanup step runs even if
   * another fails. A bound function taking any arguments, so it can be handed to
   * `process.on('SIGTERM', agent.stop)` as is.
   */
  readonly stop = (..._ignored: unknown[]): Promise<void> => {
    this.onStopRequested();
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
        { type: c.AGENT_TYPE, channel: c.AGENT_CHANNEL_TYPE, publisher: c.AGENT_PUBLISHER_TYPE, endpoint: this.channel.describe().endpoint },
        'agent started',
      );
      if (this.publisher.seriesFamilies && !this.monitoring && !this.background) {
        this.logger.warn(
          `the ${c.AGENT_PUBLISHER_TYPE} publisher serves its series on the agent's /metrics, which is off: set AGENT_HTTP_PORT ` +
            '(messages are still counted, in the channel, and shown once it is on)',
        );
      }
      if (this.monitoring) {
        try {
          await this.monitoring.start();
        } catch (error) {
          this.logger.fatal({ err: describeError(error) }, 'the agent HTTP listener could not start (AGENT_HTTP_HOST, AGENT_HTTP_PORT); stopping the agent');
          await this.stop();
          throw new Error(`the agent HTTP listener could not start: ${describeError(error)}`);
        }
      }
      if (this.channel.prepare) {
        try {
          // A stop ends the wait too: prepare waits while the channel's server is not reachable.
          await Promise.race([this.channel.prepare(), this.stopRequested]);
        } catch (error) {
          this.logger.fatal({ err: describeError(error) }, 'the channel does not fit this configuration; stopping the agent');
          await this.stop();
          throw error;
        }
        if (this.stopping) return this.stopping;
      }
      if (this.publisher.prepare) {
        try {
          await this.publisher.prepare();
        } catch (error) {
          this.logger.fatal({ err: describeError(error) }, 'the publisher cannot publish with this setup; stopping the agent');
          await this.stop();
          throw error;
        }
      }
      const parts = [this.receiver.start(), this.nanny.start(), ...(this.background ? [this.background.start()] : [])];
      // A stop ends the wait too: a part hung on a server that does not answer must not hold it.
      await Promise.race([...parts, this.stopRequested]);
      const unexpected = this.stopping === undefined;
      if (unexpected) this.logger.fatal('an agent component ended on its own; stopping the agent');
      // stop() waited for the parts as long as it may: a part still hung on a server is left behind.
      await this.stop();
      if (unexpected) throw new Error('an agent component ended on its own; see the agent log');
    } finally {
      clearInterval(keepAlive);
    }
  }

  private async shutdown(): Promise<void> {
    this.logger.info('agent stopping: finishing in-flight publishes');
    const components = [
      this.receiver.stop(),
      this.nanny.stop(),
      ...(this.background ? [this.background.stop()] : []),
      ...(this.monitoring ? [this.monitoring.stopProbe()] : []),
    ];
    const stopping = Promise.allSettled(components).then((results) => {
      for (const result of results) {
        if (result.status === 'rejected') this.logger.error({ err: describeError(result.reason) }, 'stopping a component failed');
      }
    });
    if (!(await settledWithin(stopping, STOP_GRACE_MS))) {
      this.logger.warn(
        { graceMs: STOP_GRACE_MS },
        'work in flight did not finish in time (a server does not answer); stopping without it: its messages stay in progress for the next agent',
      );
    }
    const closers: [string, () => Promise<void>][] = [];
    const monitoring = this.monitoring;
    if (monitoring) closers.push(['HTTP listener', () => monitoring.close()]);
    if (this.ownsPublisher) closers.push(['publisher', () => this.publisher.close()]);
    if (this.ownsChannel) closers.push(['channel', () => this.channel.close()]);
    const closing = Promise.all(closers.map(async ([what, close]) => {
      try {
        await close();
      } catch (error) {
        this.logger.error({ err: describeError(error) }, `closing the ${what} failed`);
      }
    }));
    if (!(await settledWithin(closing, CLOSE_GRACE_MS))) {
      this.logger.warn({ graceMs: CLOSE_GRACE_MS }, 'closing the channel, publisher or HTTP listener did not finish in time; left behind');
    }
    this.logger.info('agent stopped');
  }
}
