import type { Channel } from '../channels/channel.js';
import type { EncodedMessage } from '../channels/encoded-message.js';
import type { KadabraLogger } from '../logging/logger.js';
import type { SendStats } from './send-stats.js';

/** Options of a `SendBuffer`. */
export interface SendBufferOptions {
  /** Most messages held; beyond it the oldest are dropped and counted. */
  readonly maxMessages: number;
  /** At most one overflow warning per this many ms. */
  readonly overflowLogIntervalMs: number;
  readonly logger: KadabraLogger;
  /** Most messages written in one round trip. */
  readonly maxBatch?: number;
}

const DEFAULT_MAX_BATCH = 1000;
const FIRST_RETRY_DELAY_MS = 20;
const MAX_RETRY_DELAY_MS = 2000;

/**
 * The bounded in-memory buffer between `Kadabra.send()` and the channel. `push` never
 * blocks or throws; one writer drains the buffer in order, a batch per round trip, and
 * retries with backoff while the channel fails. A batch whose write failed goes back to
 * the front, so order is kept; it may have reached Redis anyway, and is then delivered
 * twice, which idempotent publishing makes harmless.
 */
export class SendBuffer {
  private pending: EncodedMessage[] = [];
  private head = 0;
  private inFlight = 0;
  private draining = false;
  private stopped = false;
  private delivered = 0;
  private dropped = 0;
  private droppedSinceReport = 0;
  private lastReportAt = 0;
  private reportTimer: NodeJS.Timeout | undefined;
  private lastError: string | undefined;
  private retryDelay = FIRST_RETRY_DELAY_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private wakeRetry: (() => void) | undefined;
  private idleWaiters: (() => void)[] = [];
  private readonly maxBatch: number;

  constructor(
    private readonly channel: Pick<Channel, 'sendEncoded'>,
    private readonly options: SendBufferOptions,
  ) {
    this.maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  }

  /** Messages waiting, excluding the batch being written. */
  private get waiting(): number {
    return this.pending.length - this.head;
  }

  /** Adds an encoded message; drops the oldest when full. Never throws. */
  push(message: EncodedMessage): void {
    this.pending.push(message);
    if (this.waiting + this.inFlight > this.options.maxMessages) this.dropOldest(1);
    this.scheduleDrain();
  }

  /** Counts so far. */
  stats(): SendStats {
    const stats = { delivered: this.delivered, dropped: this.dropped, buffered: this.waiting + this.inFlight };
    return this.lastError === undefined ? stats : { ...stats, lastError: this.lastError };
  }

  /** Resolves once everything buffered is delivered, or after `timeoutMs`, with the counts. */
  flush(timeoutMs: number): Promise<SendStats> {
    if (this.waiting + this.inFlight === 0) return Promise.resolve(this.stats());
    // Retry at once rather than after the current backoff.
    this.wakeRetry?.();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve(this.stats());
      };
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((waiter) => waiter !== done);
        resolve(this.stats());
      }, timeoutMs);
      this.idleWaiters.push(done);
    });
  }

  /** Stops writing (after the batch in flight); what is still buffered stays counted as buffered. */
  stop(): void {
    this.stopped = true;
    this.wakeRetry?.();
    clearTimeout(this.reportTimer);
    this.reportOverflow();
  }

  private scheduleDrain(): void {
    if (this.draining || this.stopped) return;
    this.draining = true;
    // Let the current tick's sends join the first batch.
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting > 0 && !this.stopped) {
        const batch = this.pending.slice(this.head, this.head + this.maxBatch);
        this.head += batch.length;
        this.inFlight = batch.length;
        this.compact();
        try {
          await this.channel.sendEncoded(batch);
          this.inFlight = 0;
          this.delivered += batch.length;
          this.lastError = undefined;
          this.retryDelay = FIRST_RETRY_DELAY_MS;
        } catch (error) {
          this.inFlight = 0;
          this.putBack(batch);
          this.lastError = error instanceof Error ? error.message : String(error);
          await this.backoff();
        }
      }
    } finally {
      this.draining = false;
      if (this.waiting === 0 || this.stopped) this.notifyIdle();
      else this.scheduleDrain();
    }
  }

  private putBack(batch: EncodedMessage[]): void {
    this.pending = batch.concat(this.pending.slice(this.head));
    this.head = 0;
    const excess = this.waiting - this.options.maxMessages;
    if (excess > 0) this.dropOldest(excess);
  }

  private dropOldest(count: number): void {
    this.head += count;
    this.dropped += count;
    this.droppedSinceReport += count;
    this.compact();
    this.noteOverflow();
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
  }

  private noteOverflow(): void {
    const sinceLast = Date.now() - this.lastReportAt;
    if (sinceLast >= this.options.overflowLogIntervalMs) {
      this.reportOverflow();
    } else if (!this.reportTimer) {
      this.reportTimer = setTimeout(() => {
        this.reportTimer = undefined;
        this.reportOverflow();
      }, this.options.overflowLogIntervalMs - sinceLast);
      this.reportTimer.unref();
    }
  }

  private reportOverflow(): void {
    if (this.droppedSinceReport === 0) return;
    this.options.logger.warn(
      {
        dropped: this.droppedSinceReport,
        droppedTotal: this.dropped,
        maxMessages: this.options.maxMessages,
        lastError: this.lastError,
      },
      'kadabra client buffer full: dropped the oldest metrics messages (is Redis reachable? raise CLIENT_BUFFER_MAX_MESSAGES to hold more)',
    );
    this.droppedSinceReport = 0;
    this.lastReportAt = Date.now();
  }

  private backoff(): Promise<void> {
    const delay = this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, MAX_RETRY_DELAY_MS);
    return new Promise((resolve) => {
      this.wakeRetry = () => {
        clearTimeout(this.retryTimer);
        this.wakeRetry = undefined;
        resolve();
      };
      this.retryTimer = setTimeout(() => this.wakeRetry?.(), delay);
      // A retry alone must not keep the application's process alive.
      this.retryTimer.unref();
    });
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }
}
