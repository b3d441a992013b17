import type { Channel, ReceivedMessage } from '../channels/channel.js';
import type { TransientPublishError } from '../errors/publish-error.js';
import type { KadabraLogger } from '../logging/logger.js';
import type { Publisher } from '../publishers/publisher.js';
import { Backoff, type BackoffOptions } from '../retry/backoff.js';
import { abortableSleep } from './abortable-sleep.js';
import { describeError } from './channel-failures.js';
import type { AgentStats } from './monitoring/agent-stats.js';
import type { Heartbeat } from './monitoring/heartbeats.js';
import { publishAndSettle } from './publish-and-settle.js';
import type { PublishGate } from './publish-gate.js';

/** What a `Delivery` works with. */
export interface DeliveryParts {
  readonly channel: Channel;
  readonly publisher: Publisher;
  readonly logger: KadabraLogger;
  /** The receivers' circuit: closed while publishing fails transiently. */
  readonly gate: PublishGate;
  /** Delays between attempts while publishing fails (and pauses, see `pauseAfterRefusal`). */
  readonly backoff?: BackoffOptions;
  /**
   * Whether to wait a growing backoff delay after the publisher answered without
   * publishing (it refused the whole batch, or failed in a way it does not classify),
   * so that a publisher refusing everything cannot sweep the whole queue into
   * in-progress. A receiver worker needs it, as it takes its next message at once; the
   * batched receiver does not, as it waits out its interval anyway.
   */
  readonly pauseAfterRefusal: boolean;
  /** Where the agent's figures are recorded (messages published, outages). */
  readonly stats?: AgentStats | undefined;
  /** The pulse of the loop delivering, beaten before each wait so a long outage is not taken for a hung loop. */
  readonly heartbeat?: Heartbeat | undefined;
}

/**
 * How a receiver publishes the messages it holds until they are settled: the one
 * handling of a `PublishAttempt` for both receivers.
 *
 * - Published: the backoff starts over and the gate opens (the recovery is logged once).
 * - Refused whole (all held, none completed) or failed unexpectedly: the messages stay
 *   in progress for the nanny, rather than block the receiver on them. The publisher did
 *   answer, so the gate opens: this receiver may have been the one probing, and a closed
 *   gate nobody probes is a deadlock (and the nanny skips its runs while it is closed).
 * - Failed transiently: the gate closes (the outage is logged once), and the messages are
 *   held and retried after a backoff that honours Retry-After, cut short when another
 *   worker's success reopens the gate. A stop leaves them in progress for the nanny.
 */
export class Delivery {
  private readonly backoff: Backoff;

  constructor(private readonly parts: DeliveryParts) {
    this.backoff = new Backoff(parts.backoff);
  }

  /**
   * Publishes `messages` until they are settled, the publisher answers without
   * publishing them, or `signal` aborts.
   * @returns whether they were published (false: they stay in progress for the nanny).
   */
  async deliver(messages: readonly ReceivedMessage[], signal?: AbortSignal): Promise<boolean> {
    const { channel, publisher, logger } = this.parts;
    for (;;) {
      const attempt = await publishAndSettle(channel, publisher, messages, logger, this.parts.stats);
      if (attempt.status === 'transient') {
        if (await this.retryLater(attempt.error, messages.length, signal)) continue;
        return false;
      }
      if (attempt.status === 'failed') {
        await this.leaveToNanny(
          { err: describeError(attempt.error), batchSize: messages.length },
          'publisher failed unexpectedly; the messages stay in progress for the nanny',
          'error',
          signal,
        );
        return false;
      }
      if (attempt.held > 0 && attempt.completed === 0) {
        await this.leaveToNanny(
          { held: attempt.held, batchSize: messages.length },
          'messages refused and held in progress; the nanny tries them again',
          'warn',
          signal,
        );
        return false;
      }
      if (this.parts.stats) this.parts.stats.published += attempt.completed;
      this.backoff.reset();
      this.reopen();
      return true;
    }
  }

  /** The publisher answered without publishing: logs it, and pauses if this delivery does. */
  private async leaveToNanny(
    details: Record<string, unknown>,
    message: string,
    level: 'warn' | 'error',
    signal: AbortSignal | undefined,
  ): Promise<void> {
    this.reopen();
    if (!this.parts.pauseAfterRefusal) {
      // The publisher answered: a later transient failure starts its backoff over.
      this.backoff.reset();
      this.parts.logger[level](details, message);
      return;
    }
    const delayMs = this.backoff.next();
    this.parts.logger[level]({ ...details, retryInMs: Math.round(delayMs) }, message);
    this.parts.heartbeat?.beat(delayMs);
    await abortableSleep(delayMs, signal);
  }

  /**
   * A transient failure: closes the gate and waits to retry.
   * @returns whether to retry (false: `signal` aborted, the messages stay in progress).
   */
  private async retryLater(error: TransientPublishError, batchSize: number, signal: AbortSignal | undefined): Promise<boolean> {
    const { gate, logger } = this.parts;
    const delayMs = this.backoff.next(error.retryAfterMs);
    const details = { err: describeError(error), batchSize, retryInMs: Math.round(delayMs) };
    if (gate.close()) {
      this.parts.stats?.unavailable();
      logger.warn(details, 'publishing failed; receivers stop taking new messages until it recovers');
    } else {
      logger.debug(details, 'publishing still failing; retrying the held messages');
    }
    this.parts.heartbeat?.beat(delayMs);
    await this.waitToRetry(delayMs, signal);
    if (!signal?.aborted) return true;
    logger.info({ batchSize }, 'stopping; the held messages stay in progress for the nanny');
    return false;
  }

  /** Waits out a retry delay, cut short when another worker's success reopens the gate. */
  private async waitToRetry(delayMs: number, signal: AbortSignal | undefined): Promise<void> {
    const done = new AbortController();
    const either = signal ? AbortSignal.any([signal, done.signal]) : done.signal;
    try {
      await Promise.race([abortableSleep(delayMs, either), this.parts.gate.whenOpen(either)]);
    } finally {
      done.abort();
    }
  }

  /** Opens the gate; the first opening after an outage is the recovery, logged once. */
  private reopen(): void {
    if (this.parts.gate.open()) {
      this.parts.stats?.available();
      this.parts.logger.info('publishing recovered; receivers take new messages again');
    }
  }
}
