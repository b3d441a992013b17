import type { Channel, ReceivedMessage, ReceiveLimits } from '../channels/channel.js';
import { untilAborted } from '../channels/until-aborted.js';
import type { KadabraLogger } from '../logging/logger.js';
import type { Publisher } from '../publishers/publisher.js';
import type { BackoffOptions } from '../retry/backoff.js';
import { abortableSleep } from './abortable-sleep.js';
import { ChannelFailures } from './channel-failures.js';
import { ComponentLifecycle } from './component-lifecycle.js';
import { Delivery } from './delivery.js';
import type { AgentStats } from './monitoring/agent-stats.js';
import type { Heartbeat } from './monitoring/heartbeats.js';
import { PublishGate } from './publish-gate.js';
import { secondsToMilliseconds } from '../config/duration-seconds.js';

/** Most messages taken and published at once; a bigger batch goes in slices of this size. */
export const SLICE_MESSAGES = 1000;

/** What a `BatchedReceiver` works with, and how it is tuned. */
export interface BatchedReceiverOptions {
  /** Where messages come from. */
  readonly channel: Channel;
  /** Where they go. */
  readonly publisher: Publisher;
  /** The agent's logger. */
  readonly logger: KadabraLogger;
  /** Time between batches, in seconds (`BATCHED_AGENT_INTERVAL_SECONDS`). */
  readonly intervalSeconds: number;
  /** Most messages per batch (`BATCHED_AGENT_MAX_BATCH_SIZE`). */
  readonly maxBatchSize: number;
  /** Circuit to report publishing failures on (a nanny may watch it). Default: a new one. */
  readonly gate?: PublishGate;
  /** Backoff between attempts to publish the held batch while publishing fails. */
  readonly publishBackoff?: BackoffOptions;
  /**
   * Byte bounds (`AGENT_MESSAGE_MAX_BYTES`, `AGENT_RECEIVER_MAX_BATCH_BYTES` per slice):
   * longer messages are dead-lettered by the channel unread; a slice holds no more than
   * the budget. Default: no bounds.
   */
  readonly limits?: ReceiveLimits;
  /** Where the agent's figures, heartbeats and readiness are recorded. Default: nowhere. */
  readonly stats?: AgentStats;
}

/**
 * The batched agent's receiver: at start and then every `intervalSeconds` it takes up
 * to `maxBatchSize` messages from the channel (an empty queue costs one cheap check; the
 * original popped every interval even from an empty queue) in slices of
 * `SLICE_MESSAGES`, publishes each slice as one batch, dead-letters what the publisher
 * rejects for good and completes the rest in one call.
 *
 * While publishing fails transiently it takes nothing new: it keeps the batch it holds
 * and retries it with backoff until it succeeds (as a `Delivery`, the same handling as
 * the default receiver's). `stop()` is prompt: the publish in flight finishes, no new
 * batch is taken, no interval is waited out (the original kept draining the queue after
 * stop).
 */
export class BatchedReceiver extends ComponentLifecycle {
  /** Closed while publishing fails. */
  readonly gate: PublishGate;
  private readonly channel: Channel;
  private readonly intervalMs: number;
  private readonly maxBatchSize: number;
  private readonly limits: ReceiveLimits;
  private readonly channelFailures: ChannelFailures;
  private readonly delivery: Delivery;
  private readonly stats: AgentStats | undefined;
  private readonly heartbeat: Heartbeat | undefined;

  constructor(options: BatchedReceiverOptions) {
    super(options.logger);
    const { channel, publisher, logger } = options;
    this.channel = channel;
    this.intervalMs = secondsToMilliseconds(options.intervalSeconds);
    this.maxBatchSize = options.maxBatchSize;
    this.limits = options.limits ?? {};
    this.gate = options.gate ?? new PublishGate();
    this.stats = options.stats;
    this.channelFailures = new ChannelFailures(logger, {}, options.stats?.readiness);
    this.heartbeat = options.stats?.heartbeats.register('batched receiver', this.intervalMs);
    this.delivery = new Delivery({
      channel, publisher, logger, gate: this.gate, backoff: options.publishBackoff, pauseAfterRefusal: false,
      stats: options.stats, heartbeat: this.heartbeat,
    });
  }

  protected override async run(signal: AbortSignal): Promise<void> {
    this.logger.info({ intervalMs: this.intervalMs, maxBatchSize: this.maxBatchSize }, 'batched receiver started');
    try {
      while (!signal.aborted) {
        await this.runOnce(signal);
        this.heartbeat?.beat(this.intervalMs);
        if (!(await abortableSleep(this.intervalMs, signal))) break;
      }
    } finally {
      this.heartbeat?.end();
    }
    this.logger.info('batched receiver stopped');
  }

  /**
   * Takes one batch, up to `maxBatchSize` messages, and publishes it, retrying while
   * publishing fails transiently and `signal` has not aborted. Never throws.
   *
   * The batch is taken and published in slices of at most `SLICE_MESSAGES` (about one
   * write request each), one after the other: the agent then holds one slice's decoded
   * messages instead of the whole batch's (a 10,000-message batch made its RSS exceed
   * 240 MB), and a publish that fails leaves the rest of the batch in the queue.
   * @returns how many messages were taken from the channel.
   */
  async runOnce(signal?: AbortSignal): Promise<number> {
    let taken = 0;
    while (taken < this.maxBatchSize && !signal?.aborted) {
      const wanted = Math.min(SLICE_MESSAGES, this.maxBatchSize - taken);
      this.heartbeat?.beat(this.intervalMs);
      let slice: ReceivedMessage[];
      try {
        // Taken messages whose answer an abort cut off stay in progress for the nanny.
        const received = await untilAborted(this.channel.receiveBatch(wanted, this.limits), signal);
        if (!received) return taken;
        slice = received;
        this.channelFailures.succeeded();
      } catch (error) {
        await this.channelFailures.failed(error, 'receiveBatch', signal);
        return taken;
      }
      taken += slice.length;
      if (this.stats) this.stats.received += slice.length;
      // Dead-lettered messages leave a short slice although more are waiting: only an
      // empty one says the queue is drained. A slice left to the nanny (refused whole, or
      // failed) ends the round: take no more until the next interval.
      if (slice.length === 0 || !(await this.delivery.deliver(slice, signal))) return taken;
    }
    return taken;
  }
}
