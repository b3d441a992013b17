import type { Channel, InProgressMessage } from '../channels/channel.js';
import { untilAborted } from '../channels/until-aborted.js';
import type { KadabraLogger } from '../logging/logger.js';
import type { Publisher } from '../publishers/publisher.js';
import { abortableSleep } from './abortable-sleep.js';
import { Backoff } from '../retry/backoff.js';
import { ChannelFailures, describeError } from './channel-failures.js';
import { ComponentLifecycle } from './component-lifecycle.js';
import type { NannyOptions, NannyRunReport } from './nanny.js';
import { publishAndSettle, type PublishAttempt } from './publish-and-settle.js';
import { stuckMessages } from './stuck-messages.js';
import { secondsToMilliseconds } from '../config/duration-seconds.js';

/**
 * The batched agent's nanny: like `Nanny`, but every `frequencySeconds` it republishes the
 * items in progress longer than `thresholdSeconds` (up to `maxBatchSize`, oldest first) as
 * one batch. If the publisher fails on the batch in a way it does not classify, the items
 * are tried one by one, so one bad item cannot keep the whole batch stuck (as one malformed message did in the original).
 */
export class BatchedNanny extends ComponentLifecycle {
  private readonly frequencyMs: number;
  private readonly thresholdMs: number;
  private readonly channelFailures: ChannelFailures;
  private readonly backoff: Backoff;

  /**
   * @param frequencySeconds how often to look (`AGENT_NANNY_FREQUENCY_SECONDS`).
   * @param thresholdSeconds time in progress after which an item is stuck (`AGENT_NANNY_THRESHOLD_SECONDS`).
   * @param maxBatchSize most items republished per run (`BATCHED_AGENT_NANNY_MAX_BATCH_SIZE`).
   */
  constructor(
    private readonly channel: Channel,
    private readonly publisher: Publisher,
    logger: KadabraLogger,
    frequencySeconds: number,
    thresholdSeconds: number,
    private readonly maxBatchSize: number,
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
      { frequencyMs: this.frequencyMs, thresholdMs: this.thresholdMs, maxBatchSize: this.maxBatchSize },
      'batched nanny started',
    );
    let delayMs = this.frequencyMs;
    while (await abortableSleep(delayMs, signal)) {
      const report = await this.runOnce(signal);
      delayMs = report.transient
        ? Math.max(this.frequencyMs, this.backoff.next(report.retryAfterMs))
        : this.frequencyMs;
    }
    this.logger.info('batched nanny stopped');
  }

  /**
   * One pass, as the loop runs it every `frequencySeconds`. Never throws.
   * @param signal when aborted during the one-by-one fallback, no further item is taken.
   */
  async runOnce(signal?: AbortSignal): Promise<NannyRunReport> {
    const report = { examined: 0, stuck: 0, completed: 0, deadLettered: 0, failed: 0, held: 0, transient: false };
    if (this.options.gate && !this.options.gate.isOpen) {
      this.logger.debug('publishing is failing; nanny run skipped');
      return report;
    }
    let items: InProgressMessage[];
    try {
      // A server that stopped answering must not hold a stopping agent.
      const listed = await untilAborted(this.channel.inProgress(this.maxBatchSize, this.options.limits), signal);
      if (!listed) return report;
      items = listed;
      this.channelFailures.succeeded();
    } catch (error) {
      this.channelFailures.record(error, 'inProgress');
      return report;
    }
    const stuck = stuckMessages(items, this.thresholdMs);
    report.examined = items.length;
    report.stuck = stuck.length;
    if (stuck.length === 0) return report;

    this.logger.info({ stuck: stuck.length }, 'republishing messages stuck in progress as one batch');
    let attempt = await publishAndSettle(this.channel, this.publisher, stuck, this.logger);
    if (attempt.status === 'failed') {
      this.logger.error(
        { err: describeError(attempt.error), batchSize: stuck.length },
        'publisher failed unexpectedly on the batch; trying its messages one by one',
      );
      attempt = await this.oneByOne(stuck, report, signal);
    }
    if (attempt.status === 'transient') {
      this.logger.warn({ err: describeError(attempt.error) }, 'publishing failed; nanny skips this run');
      return { ...report, transient: true, retryAfterMs: attempt.error.retryAfterMs };
    }
    if (attempt.status === 'published') {
      report.completed += attempt.completed;
      report.deadLettered += attempt.deadLettered;
      report.held += attempt.held;
    }
    this.backoff.reset();
    this.logger.info(report, 'nanny run finished');
    return report;
  }

  /** Publishes each item alone; stops at the first transient failure (returned). */
  private async oneByOne(
    items: readonly InProgressMessage[],
    report: { completed: number; deadLettered: number; failed: number; held: number },
    signal: AbortSignal | undefined,
  ): Promise<PublishAttempt> {
    for (const item of items) {
      if (signal?.aborted) break;
      const attempt = await publishAndSettle(this.channel, this.publisher, [item], this.logger);
      if (attempt.status === 'transient') return attempt;
      if (attempt.status === 'failed') {
        report.failed += 1;
        this.logger.error({ err: describeError(attempt.error) }, 'nanny could not republish a message; it stays in progress');
      } else {
        report.completed += attempt.completed;
        report.deadLettered += attempt.deadLettered;
        report.held += attempt.held;
      }
    }
    return { status: 'published', completed: 0, deadLettered: 0, held: 0 };
  }
}
