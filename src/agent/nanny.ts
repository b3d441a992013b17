import type { Channel, InProgressMessage, ReceiveLimits } from '../channels/channel.js';
import { untilAborted } from '../channels/until-aborted.js';
import type { TransientPublishError } from '../errors/publish-error.js';
import type { KadabraLogger } from '../logging/logger.js';
import type { Publisher } from '../publishers/publisher.js';
import { abortableSleep } from './abortable-sleep.js';
import { Backoff, type BackoffOptions } from '../retry/backoff.js';
import { ChannelFailures, describeError } from './channel-failures.js';
import { ComponentLifecycle } from './component-lifecycle.js';
import { publishAndSettle } from './publish-and-settle.js';
import type { PublishGate } from './publish-gate.js';
import { stuckMessages } from './stuck-messages.js';
import { secondsToMilliseconds } from '../config/duration-seconds.js';

/** Tuning of a nanny beyond the original's arguments. */
export interface NannyOptions {
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
}

/** What one nanny run did. */
export interface NannyRunReport {
  /** In-progress items examined. */
  readonly examined: number;
  /** Of those, items in progress longer than the threshold. */
  readonly stuck: number;
  /** Republished and completed. */
  readonly completed: number;
  /** Rejected by the publisher for good and dead-lettered. */
  readonly deadLettered: number;
  /** Left in progress: the publisher or channel failed on them. */
  readonly failed: number;
  /** Left in progress: refused without evidence against them (see `PublishOutcome.held`). */
  readonly held?: number;
  /** The run stopped early because publishing failed transiently. */
  readonly transient: boolean;
  /** When it did: how long the server asked us to wait, if it said. */
  readonly retryAfterMs?: number | undefined;
}

const EMPTY_REPORT: NannyRunReport = Object.freeze({
  examined: 0, stuck: 0, completed: 0, deadLettered: 0, failed: 0, transient: false,
});

/**
 * Republishes messages stuck in progress (a publish failed, or an agent died mid-publish).
 * Every `frequencySeconds` it reads up to `queryLimit` in-progress items, oldest first,
 * keeps those in progress longer than `thresholdSeconds`, and republishes them with
 * `numThreads` workers: completed on success, dead-lettered when the publisher rejects
 * them for good. A transient failure ends the run (the rest waits for the next run, after
 * a backoff) instead of hammering a database that is down. Every item is handled on its
 * own: one that fails cannot stop the nanny (in the original, one malformed message made every
 * nanny run fail).
 */
export class Nanny extends ComponentLifecycle {
  private readonly frequencyMs: number;
  private readonly thresholdMs: number;
  private readonly channelFailures: ChannelFailures;
  private readonly backoff: Backoff;

  /**
   * @param frequencySeconds how often to look (`AGENT_NANNY_FREQUENCY_SECONDS`).
   * @param thresholdSeconds time in progress after which an item is stuck (`AGENT_NANNY_THRESHOLD_SECONDS`).
   * @param queryLimit most items examined per run (`AGENT_NANNY_QUERY_LIMIT`).
   * @param numThreads concurrent republishing workers (`AGENT_NANNY_THREADS`).
   */
  constructor(
    private readonly channel: Channel,
    private readonly publisher: Publisher,
    logger: KadabraLogger,
    frequencySeconds: number,
    thresholdSeconds: number,
    private readonly queryLimit: number,
    private readonly numThreads: number,
    private readonly options: NannyOptions = {},
  ) {
    super(logger);
    this.frequencyMs = secondsToMilliseconds(frequencySeconds);
    this.thresholdMs = secondsToMilliseconds(thresholdSeconds);
    this.channelFailures = new ChannelFailures(logger);
    this.backoff = new Backoff(
      options.publishBackoff ?? { initialMs: this.frequencyMs, maxMs: this.frequencyMs * 8 },
    );
  }

  protected override async run(signal: AbortSignal): Promise<void> {
    this.logger.info(
      { frequencyMs: this.frequencyMs, thresholdMs: this.thresholdMs, queryLimit: this.queryLimit, workers: this.numThreads },
      'nanny started',
    );
    let delayMs = this.frequencyMs;
    while (await abortableSleep(delayMs, signal)) {
      const report = await this.runOnce(signal);
      delayMs = report.transient
        ? Math.max(this.frequencyMs, this.backoff.next(report.retryAfterMs))
        : this.frequencyMs;
    }
    this.logger.info('nanny stopped');
  }

  /**
   * One nanny pass, as the loop runs it every `frequencySeconds`. Never throws.
   * @param signal when aborted, no further item is taken (in-flight publishes finish).
   */
  async runOnce(signal?: AbortSignal): Promise<NannyRunReport> {
    if (this.options.gate && !this.options.gate.isOpen) {
      this.logger.debug('publishing is failing; nanny run skipped');
      return EMPTY_REPORT;
    }
    let items: InProgressMessage[];
    try {
      // A server that stopped answering must not hold a stopping agent.
      const listed = await untilAborted(this.channel.inProgress(this.queryLimit, this.options.limits), signal);
      if (!listed) return EMPTY_REPORT;
      items = listed;
      this.channelFailures.succeeded();
    } catch (error) {
      this.channelFailures.record(error, 'inProgress');
      return EMPTY_REPORT;
    }
    const stuck = stuckMessages(items, this.thresholdMs);
    if (stuck.length === 0) return { ...EMPTY_REPORT, examined: items.length };

    this.logger.info({ stuck: stuck.length }, 'republishing messages stuck in progress');
    const counts = { completed: 0, deadLettered: 0, failed: 0, held: 0 };
    // Written by the workers below; an object so the compiler does not narrow it away.
    const failure: { transient?: TransientPublishError } = {};
    let next = 0;
    const work = async (): Promise<void> => {
      while (!signal?.aborted && failure.transient === undefined) {
        const item = stuck[next++];
        if (!item) return;
        try {
          const attempt = await publishAndSettle(this.channel, this.publisher, [item], this.logger);
          if (attempt.status === 'published') {
            counts.completed += attempt.completed;
            counts.deadLettered += attempt.deadLettered;
            counts.held += attempt.held;
          } else if (attempt.status === 'transient') {
            failure.transient ??= attempt.error;
          } else {
            counts.failed += 1;
            this.logger.error({ err: describeError(attempt.error) }, 'nanny could not republish a message; it stays in progress');
          }
        } catch (error) {
          counts.failed += 1;
          this.logger.error({ err: describeError(error) }, 'nanny could not handle a message; skipped');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.numThreads, stuck.length) }, work));

    const { transient } = failure;
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
}
