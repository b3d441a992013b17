import type { Channel, InProgressMessage, ReceiveLimits } from '../channels/channel.js';
import { untilAborted } from '../channels/until-aborted.js';
import type { TransientPublishError } from '../errors/publish-error.js';
import type { KadabraLogger } from '../logging/logger.js';
import type { Publisher } from '../publishers/publisher.js';
import { Backoff, type BackoffOptions } from '../retry/backoff.js';
import { secondsToMilliseconds } from '../config/duration-seconds.js';
import { abortableSleep } from './abortable-sleep.js';
import { ChannelFailures, describeError } from './channel-failures.js';
import { ComponentLifecycle } from './component-lifecycle.js';
import type { AgentStats } from './monitoring/agent-stats.js';
import { publishAndSettle, type PublishAttempt } from './publish-and-settle.js';
import type { PublishGate } from './publish-gate.js';
import { stuckMessages } from './stuck-messages.js';

/** What every nanny works with, and how it is tuned. */
export interface NannyLoopOptions {
  /** Where the messages in progress are. */
  readonly channel: Channel;
  /** Where they are republished. */
  readonly publisher: Publisher;
  /** The agent's logger. */
  readonly logger: KadabraLogger;
  /** How often to look, in seconds (`AGENT_NANNY_FREQUENCY_SECONDS`). */
  readonly frequencySeconds: number;
  /** Time in progress after which an item is stuck, in seconds (`AGENT_NANNY_THRESHOLD_SECONDS`). */
  readonly thresholdSeconds: number;
  /**
   * The receivers' circuit: while it is closed they are already probing the publisher,
   * so a nanny run would only fail too and is skipped.
   */
  readonly gate?: PublishGate;
  /**
   * Backoff after a run that failed transiently: the next run waits this long instead of
   * `frequencySeconds`. Default: from the frequency up to 8 times it.
   */
  readonly publishBackoff?: BackoffOptions;
  /**
   * Byte bounds of one pass (`AGENT_MESSAGE_MAX_BYTES`, `AGENT_NANNY_MAX_BATCH_BYTES`):
   * longer messages are dead-lettered by the channel unread, and a pass reads no more
   * than the budget (at least one message). Default: no bounds.
   */
  readonly limits?: ReceiveLimits;
  /** Where the agent's figures, heartbeats and readiness are recorded. Default: nowhere. */
  readonly stats?: AgentStats;
  /**
   * On a channel that claims stuck messages (`Channel.claimStuck`): one delivered this
   * many times is dead-lettered with its history instead (`AGENT_MAX_DELIVERIES`). Default 10.
   */
  readonly maxDeliveries?: number;
}

/** `AGENT_MAX_DELIVERIES`' default. */
const DEFAULT_MAX_DELIVERIES = 10;

/** What a run's republishing did, counted as it goes. */
export interface RepublishCounts {
  /** Republished and completed. */
  completed: number;
  /** Rejected by the publisher for good and dead-lettered. */
  deadLettered: number;
  /** Left in progress: the publisher or channel failed on them. */
  failed: number;
  /** Left in progress: refused without evidence against them (see `PublishOutcome.held`). */
  held: number;
}

/** What one nanny run did. */
export interface NannyRunReport extends Readonly<RepublishCounts> {
  /** In-progress items examined. */
  readonly examined: number;
  /** Of those, items in progress longer than the threshold. */
  readonly stuck: number;
  /** The run stopped early because publishing failed transiently. */
  readonly transient: boolean;
  /** When it did: how long the server asked us to wait, if it said. */
  readonly retryAfterMs?: number | undefined;
}

const EMPTY_REPORT: NannyRunReport = Object.freeze({
  examined: 0, stuck: 0, completed: 0, deadLettered: 0, failed: 0, held: 0, transient: false,
});

/**
 * The loop every nanny runs; a subclass says how many in-progress items one run reads
 * and how it republishes the stuck ones (`republish`). Every `frequencySeconds` a run
 * reads the oldest in-progress items, keeps those in progress longer than
 * `thresholdSeconds`, and republishes them: completed on success, dead-lettered when the
 * publisher rejects them for good. A transient failure ends the run (the rest waits for
 * the next run, after a backoff that honours Retry-After) instead of hammering a
 * database that is down. A run is skipped while the receivers' gate is closed, and a
 * failing channel is logged and retried on the next run.
 *
 * On a channel with `claimStuck` (Redis Streams) a run claims the stuck items instead of
 * listing them, so the nannies of several agents never republish the same one at once,
 * and an item delivered `maxDeliveries` times is dead-lettered by the channel. Skipped
 * while the gate is closed, a nanny claims nothing during a database outage: entries do
 * not move between agents that could not publish them anyway.
 */
export abstract class NannyLoop extends ComponentLifecycle {
  private readonly channel: Channel;
  private readonly publisher: Publisher;
  private readonly frequencyMs: number;
  private readonly thresholdMs: number;
  private readonly gate: PublishGate | undefined;
  private readonly limits: ReceiveLimits | undefined;
  private readonly channelFailures: ChannelFailures;
  private readonly backoff: Backoff;
  private readonly stats: AgentStats | undefined;
  private readonly maxDeliveries: number;

  /**
   * @param readLimit most in-progress items one run reads.
   * @param settings what the started line logs besides the frequency and threshold.
   */
  protected constructor(
    options: NannyLoopOptions,
    private readonly readLimit: number,
    private readonly settings: Readonly<Record<string, number>>,
  ) {
    super(options.logger);
    this.channel = options.channel;
    this.publisher = options.publisher;
    this.gate = options.gate;
    this.limits = options.limits;
    this.frequencyMs = secondsToMilliseconds(options.frequencySeconds);
    this.thresholdMs = secondsToMilliseconds(options.thresholdSeconds);
    this.stats = options.stats;
    this.maxDeliveries = options.maxDeliveries ?? DEFAULT_MAX_DELIVERIES;
    this.channelFailures = new ChannelFailures(this.logger, {}, options.stats?.readiness);
    this.backoff = new Backoff(
      options.publishBackoff ?? { initialMs: this.frequencyMs, maxMs: this.frequencyMs * 8 },
    );
  }

  /**
   * Republishes `stuck`, oldest first, counting what became of them in `counts`.
   * Stops taking items once `signal` aborts.
   * @returns the transient failure that ended the republishing early, if one did.
   */
  protected abstract republish(
    stuck: readonly InProgressMessage[],
    counts: RepublishCounts,
    signal: AbortSignal | undefined,
  ): Promise<TransientPublishError | undefined>;

  protected override async run(signal: AbortSignal): Promise<void> {
    this.logger.info({ frequencyMs: this.frequencyMs, thresholdMs: this.thresholdMs, ...this.settings }, 'nanny started');
    let delayMs = this.frequencyMs;
    // Beats before and after each run: a run publishes, and the wait after it may be a backoff.
    const heartbeat = this.stats?.heartbeats.register('nanny', delayMs);
    try {
      while (await abortableSleep(delayMs, signal)) {
        heartbeat?.beat(delayMs);
        const report = await this.runOnce(signal);
        delayMs = report.transient
          ? Math.max(this.frequencyMs, this.backoff.next(report.retryAfterMs))
          : this.frequencyMs;
        heartbeat?.beat(delayMs);
      }
    } finally {
      heartbeat?.end();
    }
    this.logger.info('nanny stopped');
  }

  /**
   * One nanny pass, as the loop runs it every `frequencySeconds`. Never throws.
   * @param signal when aborted, no further item is taken (in-flight publishes finish).
   */
  async runOnce(signal?: AbortSignal): Promise<NannyRunReport> {
    if (this.gate && !this.gate.isOpen) {
      this.logger.debug('publishing is failing; nanny run skipped');
      return EMPTY_REPORT;
    }
    let items: InProgressMessage[];
    try {
      // A server that stopped answering must not hold a stopping agent.
      const listed = await untilAborted(this.stuckOrInProgress(), signal);
      if (!listed) return EMPTY_REPORT;
      items = listed;
      this.channelFailures.succeeded();
    } catch (error) {
      this.channelFailures.record(error, this.channel.claimStuck ? 'claimStuck' : 'inProgress');
      return EMPTY_REPORT;
    }
    const stuck = stuckMessages(items, this.thresholdMs);
    if (stuck.length === 0) return { ...EMPTY_REPORT, examined: items.length };

    this.logger.info({ stuck: stuck.length }, 'republishing messages stuck in progress');
    const counts: RepublishCounts = { completed: 0, deadLettered: 0, failed: 0, held: 0 };
    const transient = await this.republish(stuck, counts, signal);
    if (transient) {
      this.logger.warn({ err: describeError(transient), ...counts }, 'publishing failed; nanny skips the rest of this run');
    } else {
      this.backoff.reset();
      this.logger.info(counts, 'nanny run finished');
    }
    return {
      examined: items.length,
      stuck: stuck.length,
      ...counts,
      transient: transient !== undefined,
      retryAfterMs: transient?.retryAfterMs,
    };
  }

  /**
   * The items to look at: on a channel that claims (Redis Streams), those it handed over
   * to this agent (stuck, and now this nanny's alone); else the oldest in progress.
   */
  private stuckOrInProgress(): Promise<InProgressMessage[]> {
    if (this.channel.claimStuck) {
      return this.channel.claimStuck({ ...this.limits, thresholdMs: this.thresholdMs, limit: this.readLimit, maxDeliveries: this.maxDeliveries });
    }
    return this.channel.inProgress(this.readLimit, this.limits);
  }

  /**
   * Republishes `items` as one batch and counts what was settled (nothing is counted
   * when publishing failed: the caller decides what that means).
   */
  protected async republishBatch(
    items: readonly InProgressMessage[],
    counts: RepublishCounts,
  ): Promise<PublishAttempt> {
    const attempt = await publishAndSettle(this.channel, this.publisher, items, this.logger, this.stats);
    if (attempt.status === 'published') {
      if (this.stats) {
        this.stats.published += attempt.completed;
        this.stats.republished += attempt.completed;
      }
      counts.completed += attempt.completed;
      counts.deadLettered += attempt.deadLettered;
      counts.held += attempt.held;
    }
    return attempt;
  }

  /**
   * Republishes one item on its own, so that one that fails cannot stop the others (in
   * the original, one malformed message made every nanny run fail). Never throws.
   * @returns the transient failure, if publishing failed transiently.
   */
  protected async republishOne(item: InProgressMessage, counts: RepublishCounts): Promise<TransientPublishError | undefined> {
    try {
      const attempt = await this.republishBatch([item], counts);
      if (attempt.status === 'transient') return attempt.error;
      if (attempt.status === 'failed') {
        counts.failed += 1;
        this.logger.error({ err: describeError(attempt.error) }, 'nanny could not republish a message; it stays in progress');
      }
    } catch (error) {
      counts.failed += 1;
      this.logger.error({ err: describeError(error) }, 'nanny could not handle a message; skipped');
    }
    return undefined;
  }
}
