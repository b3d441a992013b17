import { DEFAULT_RECEIVE_TIMEOUT_SECONDS, type Channel, type ReceivedMessage, type ReceiveLimits } from '../channels/channel.js';
import type { KadabraLogger } from '../logging/logger.js';
import type { Publisher } from '../publishers/publisher.js';
import type { BackoffOptions } from '../retry/backoff.js';
import { ChannelFailures, describeError } from './channel-failures.js';
import { ComponentLifecycle } from './component-lifecycle.js';
import { Delivery } from './delivery.js';
import type { AgentStats } from './monitoring/agent-stats.js';
import type { Heartbeat } from './monitoring/heartbeats.js';
import { PublishGate } from './publish-gate.js';

/** What a `Receiver` works with, and how it is tuned (tests use short backoffs). */
export interface ReceiverOptions {
  /** Where messages come from. */
  readonly channel: Channel;
  /** Where they go. */
  readonly publisher: Publisher;
  /** The agent's logger. */
  readonly logger: KadabraLogger;
  /** Concurrent workers (`AGENT_RECEIVER_THREADS`); a positive integer. */
  readonly workers: number;
  /** Most messages a worker publishes at once (`AGENT_RECEIVER_MAX_BATCH_SIZE`). Default 1. */
  readonly maxBatchSize?: number;
  /** The circuit shared by the workers; pass one to let a nanny see it. Default: a new one. */
  readonly gate?: PublishGate;
  /** Backoff between attempts to publish a message while publishing fails. */
  readonly publishBackoff?: BackoffOptions;
  /** Backoff between attempts to reach a failing channel. */
  readonly channelBackoff?: BackoffOptions;
  /** Longest blocking receive, in seconds (the channel's default, 10, when unset). */
  readonly receiveTimeoutSeconds?: number;
  /**
   * Byte bounds (`AGENT_MESSAGE_MAX_BYTES`, `AGENT_RECEIVER_MAX_BATCH_BYTES`): longer
   * messages are dead-lettered by the channel unread; a worker's batch holds no more
   * than the budget. Default: no bounds.
   */
  readonly limits?: ReceiveLimits;
  /** Where the agent's figures, heartbeats and readiness are recorded. Default: nowhere. */
  readonly stats?: AgentStats;
}


/**
 * The default agent's receiver: `workers` concurrent workers, each blocking on the
 * channel for a message, publishing it, then completing it (or dead-lettering it when the
 * publisher rejects it for good).
 *
 * While publishing fails transiently, the workers stop taking new messages (the shared
 * `PublishGate` closes): a worker that holds a message keeps it and retries it with
 * exponential backoff (honouring Retry-After); the first success reopens the gate. So at
 * most `workers` messages are in progress during a database outage, and the queue
 * drains at full speed once it recovers (the original kept moving the whole queue into
 * in-progress during an outage). How a worker handles each publish is `Delivery`'s.
 *
 * With `maxBatchSize` > 1, a worker whose last publish succeeded adds the messages
 * already waiting in the queue (up to the limit, without waiting for more) to the one it
 * received, so a backlog drains in few large writes while a quiet queue is still
 * published message by message, at once. The first message after an idle period or a
 * failure goes alone, so a database that is down holds one message per worker.
 */
export class Receiver extends ComponentLifecycle {
  /** The workers' shared circuit. */
  readonly gate: PublishGate;
  private readonly channel: Channel;
  private readonly maxBatchSize: number;

  constructor(private readonly options: ReceiverOptions) {
    super(options.logger);
    const { workers } = options;
    if (!Number.isInteger(workers) || workers < 1) {
      throw new RangeError(`Receiver workers must be a positive integer; got ${workers}`);
    }
    this.channel = options.channel;
    this.maxBatchSize = options.maxBatchSize ?? 1;
    this.gate = options.gate ?? new PublishGate();
  }

  protected override async run(signal: AbortSignal): Promise<void> {
    this.logger.info({ workers: this.options.workers }, 'receiver started');
    // Shared so an outage is reported once for all workers, not once per worker.
    const channelFailures = new ChannelFailures(this.logger, this.options.channelBackoff, this.options.stats?.readiness);
    const workers = Array.from({ length: this.options.workers }, (_, id) => this.work(id, channelFailures, signal));
    await Promise.all(workers);
    this.logger.info('receiver stopped');
  }

  private async work(worker: number, channelFailures: ChannelFailures, signal: AbortSignal): Promise<void> {
    const logger = this.logger.child({ worker });
    const { publisher, publishBackoff, stats } = this.options;
    // A worker beats each time round: a receive blocks at most its timeout, a publish or
    // a wait for the gate beats on its own (see `awaitOpenGate`, `Delivery`).
    const receiveMs = (this.options.receiveTimeoutSeconds ?? DEFAULT_RECEIVE_TIMEOUT_SECONDS) * 1000;
    const heartbeat = stats?.heartbeats.register(`receiver worker ${worker}`, receiveMs);
    const delivery = new Delivery({
      channel: this.channel, publisher, logger, gate: this.gate, backoff: publishBackoff, pauseAfterRefusal: true, stats, heartbeat,
    });
    let lastPublished = false;
    try {
      while (!signal.aborted) {
        await this.awaitOpenGate(heartbeat, receiveMs, signal);
        if (signal.aborted) break;
        heartbeat?.beat(receiveMs);
        lastPublished = await this.workOnce(delivery, channelFailures, lastPublished, logger, signal);
      }
    } finally {
      heartbeat?.end();
    }
  }

  /**
   * Waits until the gate is open (or `signal` aborts), beating `heartbeat` every
   * `periodMs` meanwhile: a worker waiting out a long outage is alive.
   */
  private async awaitOpenGate(heartbeat: Heartbeat | undefined, periodMs: number, signal: AbortSignal): Promise<void> {
    if (heartbeat === undefined) return this.gate.whenOpen(signal);
    while (!this.gate.isOpen && !signal.aborted) {
      heartbeat.beat(periodMs);
      const period = AbortSignal.any([signal, AbortSignal.timeout(periodMs)]);
      await this.gate.whenOpen(period);
    }
  }

  /**
   * Receives one message and delivers it, with the messages already waiting when the
   * last delivery published.
   * @returns whether this delivery published (false: nothing received, or left to the nanny).
   */
  private async workOnce(
    delivery: Delivery,
    channelFailures: ChannelFailures,
    lastPublished: boolean,
    logger: KadabraLogger,
    signal: AbortSignal,
  ): Promise<boolean> {
    let message: ReceivedMessage | null;
    try {
      const timeoutSeconds = this.options.receiveTimeoutSeconds;
      const maxMessageBytes = this.options.limits?.maxMessageBytes;
      message = await this.channel.receive({
        signal,
        ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
        ...(maxMessageBytes === undefined ? {} : { maxMessageBytes }),
      });
    } catch (error) {
      await channelFailures.failed(error, 'receive', signal);
      return lastPublished;
    }
    channelFailures.succeeded();
    if (!message) return false;
    const batch = lastPublished && this.gate.isOpen ? [message, ...(await this.waiting(message, logger))] : [message];
    if (this.options.stats) this.options.stats.received += batch.length;
    return delivery.deliver(batch, signal);
  }

  /**
   * Messages already in the queue, up to the batch limits less the one in hand; never
   * waits, and takes nothing when the one in hand fills the byte budget.
   */
  private async waiting(inHand: ReceivedMessage, logger: KadabraLogger): Promise<ReceivedMessage[]> {
    const more = this.maxBatchSize - 1;
    if (more <= 0) return [];
    const limits = this.options.limits ?? {};
    const budget = limits.maxBatchBytes === undefined ? undefined : limits.maxBatchBytes - inHand.receipt.bytes;
    if (budget !== undefined && budget <= 0) return [];
    try {
      // Not cut short by a stop: the take is one quick server step that may already have
      // moved the messages into in-progress; abandoning its answer would leave a whole
      // batch there for the nanny. The batch is then published with the one in hand, as
      // an in-flight publish (a hung server is bounded by the agent's stop grace).
      return await this.channel.receiveBatch(more, budget === undefined ? limits : { ...limits, maxBatchBytes: budget });
    } catch (error) {
      // The message in hand is published anyway; the channel's trouble shows on the next receive.
      logger.debug({ err: describeError(error) }, 'could not take waiting messages');
      return [];
    }
  }

}
