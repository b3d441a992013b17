import type { Channel, ReceivedMessage, ReceiveLimits } from '../channels/channel.js';
import type { KadabraLogger } from '../logging/logger.js';
import type { Publisher } from '../publishers/publisher.js';
import { abortableSleep } from './abortable-sleep.js';
import { Backoff, type BackoffOptions } from '../retry/backoff.js';
import { ChannelFailures, describeError } from './channel-failures.js';
import { ComponentLifecycle } from './component-lifecycle.js';
import { publishAndSettle } from './publish-and-settle.js';
import { PublishGate } from './publish-gate.js';

/** Tuning of a `Receiver` beyond the original's arguments (tests use short backoffs). */
export interface ReceiverOptions {
  /** The circuit shared by the workers; pass one to let a nanny see it. Default: a new one. */
  readonly gate?: PublishGate;
  /** Backoff between attempts to publish a message while publishing fails. */
  readonly publishBackoff?: BackoffOptions;
  /** Backoff between attempts to reach a failing channel. */
  readonly channelBackoff?: BackoffOptions;
  /** Longest blocking receive, in seconds (the channel's default, 10, when unset). */
  readonly receiveTimeoutSeconds?: number;
  /** Most messages a worker publishes at once (`AGENT_RECEIVER_MAX_BATCH_SIZE`). Default 1. */
  readonly maxBatchSize?: number;
  /**
   * Byte bounds (`AGENT_MESSAGE_MAX_BYTES`, `AGENT_RECEIVER_MAX_BATCH_BYTES`): longer
   * messages are dead-lettered by the channel unread; a worker's batch holds no more
   * than the budget. Default: no bounds.
   */
  readonly limits?: ReceiveLimits;
}

/**
 * The default agent's receiver: `numThreads` concurrent workers, each blocking on the
 * channel for a message, publishing it, then completing it (or dead-lettering it when the
 * publisher rejects it for good).
 *
 * While publishing fails transiently, the workers stop taking new messages (the shared
 * `PublishGate` closes): a worker that holds a message keeps it and retries it with
 * exponential backoff (honouring Retry-After); the first success reopens the gate. So at
 * most `numThreads` messages are in progress during a database outage, and the queue
 * drains at full speed once it recovers (the original kept moving the whole queue into
 * in-progress during an outage).
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
  private readonly numThreads: number;

  /**
   * @param channel where messages come from.
   * @param publisher where they go.
   * @param logger the agent's logger.
   * @param numThreads number of concurrent workers (`AGENT_RECEIVER_THREADS`).
   */
  constructor(
    private readonly channel: Channel,
    private readonly publisher: Publisher,
    logger: KadabraLogger,
    numThreads: number,
    private readonly options: ReceiverOptions = {},
  ) {
    super(logger);
    if (!Number.isInteger(numThreads) || numThreads < 1) {
      throw new RangeError(`Receiver numThreads must be a positive integer; got ${numThreads}`);
    }
    this.numThreads = numThreads;
    this.gate = options.gate ?? new PublishGate();
  }

  protected override async run(signal: AbortSignal): Promise<void> {
    this.logger.info({ workers: this.numThreads }, 'receiver started');
    // Shared so an outage is reported once for all workers, not once per worker.
    const channelFailures = new ChannelFailures(this.logger, this.options.channelBackoff);
    const workers = Array.from({ length: this.numThreads }, (_, id) => this.work(id, channelFailures, signal));
    await Promise.all(workers);
    this.logger.info('receiver stopped');
  }

  private async work(worker: number, channelFailures: ChannelFailures, signal: AbortSignal): Promise<void> {
    const logger = this.logger.child({ worker });
    const publishBackoff = new Backoff(this.options.publishBackoff);
    let lastPublished = false;
    while (!signal.aborted) {
      await this.gate.whenOpen(signal);
      if (signal.aborted) break;
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
        continue;
      }
      channelFailures.succeeded();
      if (!message) {
        lastPublished = false;
        continue;
      }
      const batch = lastPublished && this.gate.isOpen ? [message, ...(await this.waiting(message, logger))] : [message];
      lastPublished = await this.deliver(batch, publishBackoff, logger, signal);
    }
  }

  /**
   * Messages already in the queue, up to the batch limits less the one in hand; never
   * waits, and takes nothing when the one in hand fills the byte budget.
   */
  private async waiting(inHand: ReceivedMessage, logger: KadabraLogger): Promise<ReceivedMessage[]> {
    const more = (this.options.maxBatchSize ?? 1) - 1;
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

  /**
   * Publishes messages until they are settled, the publisher fails unexpectedly, or the
   * agent stops.
   * @returns whether they were published.
   */
  private async deliver(
    messages: ReceivedMessage[],
    backoff: Backoff,
    logger: KadabraLogger,
    signal: AbortSignal,
  ): Promise<boolean> {
    for (;;) {
      const attempt = await publishAndSettle(this.channel, this.publisher, messages, logger);
      if (attempt.status === 'published' && attempt.held > 0 && attempt.completed === 0) {
        // Refused without evidence against them: they wait in progress for the nanny. The
        // server answered (the gate stays open), but slow down so that a server refusing
        // everything cannot sweep the whole queue into in-progress.
        this.gate.open();
        const delayMs = backoff.next();
        logger.warn({ held: attempt.held, retryInMs: Math.round(delayMs) }, 'messages refused and held in progress; the nanny tries them again');
        await abortableSleep(delayMs, signal);
        return false;
      }
      if (attempt.status === 'published') {
        backoff.reset();
        if (this.gate.open()) logger.info('publishing recovered; receivers take new messages again');
        return true;
      }
      if (attempt.status === 'failed') {
        // Not classified by the publisher: leave the message to the nanny rather than
        // block every worker on it, but slow down so a broken publisher cannot sweep the
        // whole queue into in-progress. The publisher did answer, so the gate opens: this
        // worker may have been the one probing, and a closed gate nobody probes is a deadlock.
        this.gate.open();
        const delayMs = backoff.next();
        logger.error(
          { err: describeError(attempt.error), retryInMs: Math.round(delayMs) },
          'publisher failed unexpectedly; the message stays in progress for the nanny',
        );
        await abortableSleep(delayMs, signal);
        return false;
      }
      const delayMs = backoff.next(attempt.error.retryAfterMs);
      const details = { err: describeError(attempt.error), retryInMs: Math.round(delayMs) };
      if (this.gate.close()) {
        logger.warn(details, 'publishing failed; receivers stop taking new messages until it recovers');
      } else {
        logger.debug(details, 'publishing still failing; retrying the held message');
      }
      await this.waitToRetry(delayMs, signal);
      if (signal.aborted) {
        logger.info({ messages: messages.length }, 'stopping; the held messages stay in progress for the nanny');
        return false;
      }
    }
  }

  /** Waits out a retry delay, cut short when another worker's success reopens the gate. */
  private async waitToRetry(delayMs: number, signal: AbortSignal): Promise<void> {
    const done = new AbortController();
    const either = AbortSignal.any([signal, done.signal]);
    try {
      await Promise.race([abortableSleep(delayMs, either), this.gate.whenOpen(either)]);
    } finally {
      done.abort();
    }
  }
}
