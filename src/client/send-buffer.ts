import type { Channel } from '../channels/channel.js';
import type { EncodedMessage } from '../channels/encoded-message.js';
import type { KadabraLogger } from '../logging/logger.js';
import { Backoff } from '../retry/backoff.js';
import { RateLimitedWarning } from '../logging/rate-limited-warning.js';
import type { SendStats } from './send-stats.js';

/** Options of a `SendBuffer`. */
export interface SendBufferOptions {
  /** Most messages held; beyond it the oldest are dropped and counted. */
  readonly maxMessages: number;
  /** Most bytes of messages held; beyond it the oldest are dropped and counted. */
  readonly maxBytes: number;
  /** A message larger than this is dropped when pushed, counted, never buffered. */
  readonly maxMessageBytes: number;
  /** At most one warning of each kind (overflow, too large, after close) per this many ms. */
  readonly overflowLogIntervalMs: number;
  readonly logger: KadabraLogger;
  /** Most messages written in one round trip. */
  readonly maxBatch?: number;
  /** Most message bytes written in one round trip (a batch always holds one message). */
  readonly maxBatchBytes?: number;
}

const DEFAULT_MAX_BATCH = 1000;
/**
 * A thousand typical messages are about 640 KB; a batch of large ones stops at 1 MiB, so
 * one append (a single step on the server) never holds Redis for long, whatever the sizes.
 */
const DEFAULT_MAX_BATCH_BYTES = 1024 * 1024;

/** Bytes of an encoded message (the client's are ASCII bytes; text is counted as UTF-8). */
function sizeOf(message: EncodedMessage): number {
  return typeof message === 'string' ? Buffer.byteLength(message, 'utf8') : message.byteLength;
}
const RETRY_BACKOFF = { initialMs: 20, maxMs: 2000, jitter: false } as const;

/**
 * The bounded in-memory buffer between `Kadabra.send()` and the channel. `push` never
 * blocks or throws; one writer drains the buffer in order, a batch per round trip, and
 * retries with backoff while the channel fails. A batch whose write failed goes back to
 * the front, so order is kept; it may have reached Redis anyway. The Redis Streams
 * channel numbers its batches and appends one only once; on the list and SQLite channels
 * it is then delivered twice, which the InfluxDB and PostgreSQL publishers store once
 * (the same bytes give the same points and rows) and the Prometheus publisher counts
 * twice (docs/prometheus.md). Bounded by count and by bytes; every
 * message dropped is counted by reason and reported in a rate-limited warning.
 */
export class SendBuffer {
  private pending: EncodedMessage[] = [];
  private head = 0;
  private inFlight = 0;
  /** Bytes of the messages waiting and in flight. */
  private bytes = 0;
  private draining = false;
  private stopped = false;
  private delivered = 0;
  private droppedFull = 0;
  private droppedTooLarge = 0;
  private droppedAfterClose = 0;
  private readonly overflowWarning: RateLimitedWarning;
  private readonly tooLargeWarning: RateLimitedWarning;
  private readonly afterCloseWarning: RateLimitedWarning;
  private lastError: string | undefined;
  private readonly retryBackoff = new Backoff(RETRY_BACKOFF);
  private retryTimer: NodeJS.Timeout | undefined;
  private wakeRetry: (() => void) | undefined;
  private idleWaiters: (() => void)[] = [];
  private readonly maxBatch: number;
  private readonly maxBatchBytes: number;

  constructor(
    private readonly channel: Pick<Channel, 'sendEncoded'>,
    private readonly options: SendBufferOptions,
  ) {
    this.maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
    this.maxBatchBytes = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
    const warning = (message: string): RateLimitedWarning =>
      new RateLimitedWarning({ logger: options.logger, intervalMs: options.overflowLogIntervalMs, message, countField: 'dropped' });
    this.overflowWarning = warning(
      'kadabra client buffer full: dropped the oldest metrics messages (is Redis reachable? raise ' +
        'CLIENT_BUFFER_MAX_MESSAGES or CLIENT_BUFFER_MAX_BYTES to hold more)',
    );
    this.tooLargeWarning = warning(
      'kadabra client dropped metrics messages larger than CLIENT_MESSAGE_MAX_BYTES (send fewer metrics or ' +
        'shorter metadata per message, or raise CLIENT_MESSAGE_MAX_BYTES and the agent\'s limit with it)',
    );
    this.afterCloseWarning = warning(
      'kadabra client dropped metrics messages sent after close() had finished delivering ' +
        '(send before close(), or use a new Kadabra client)',
    );
  }

  /** Messages waiting, excluding the batch being written. */
  private get waiting(): number {
    return this.pending.length - this.head;
  }

  /**
   * Adds an encoded message; drops the oldest when full (by count or by bytes). A message
   * larger than `maxMessageBytes`, or pushed after `stop()`, is dropped and counted
   * instead. Never throws.
   */
  push(message: EncodedMessage): void {
    const size = sizeOf(message);
    if (this.stopped) {
      this.droppedAfterClose += 1;
      this.afterCloseWarning.add(1, { bytes: size });
      return;
    }
    if (size > this.options.maxMessageBytes) {
      this.droppedTooLarge += 1;
      this.tooLargeWarning.add(1, { bytes: size, maxMessageBytes: this.options.maxMessageBytes });
      return;
    }
    this.pending.push(message);
    this.bytes += size;
    this.dropWhileOver();
    this.scheduleDrain();
  }

  /** Counts so far. */
  stats(timestampsShared = 0): SendStats {
    const droppedBy = { bufferFull: this.droppedFull, tooLarge: this.droppedTooLarge, afterClose: this.droppedAfterClose };
    const stats = {
      delivered: this.delivered,
      dropped: droppedBy.bufferFull + droppedBy.tooLarge + droppedBy.afterClose,
      droppedBy,
      buffered: this.waiting + this.inFlight,
      bufferedBytes: this.bytes,
      timestampsShared,
    };
    return this.lastError === undefined ? stats : { ...stats, lastError: this.lastError };
  }

  /** Resolves once everything buffered is delivered, or after `timeoutMs`, with the counts. */
  flush(timeoutMs: number): Promise<SendStats> {
    // Once stopped nothing more is written: waiting would only wait out the timeout.
    if (this.waiting + this.inFlight === 0 || this.stopped) return Promise.resolve(this.stats());
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
    this.overflowWarning.flush();
    this.tooLargeWarning.flush();
  }

  /** Logs any pending drop warnings now (at shutdown). */
  flushWarnings(): void {
    this.overflowWarning.flush();
    this.tooLargeWarning.flush();
    this.afterCloseWarning.flush();
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
        const { batch, bytes } = this.nextBatch();
        this.head += batch.length;
        this.inFlight = batch.length;
        this.compact();
        try {
          await this.channel.sendEncoded(batch);
          this.inFlight = 0;
          this.bytes -= bytes;
          this.delivered += batch.length;
          this.lastError = undefined;
          this.retryBackoff.reset();
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

  /** The oldest waiting messages, up to `maxBatch` of them and `maxBatchBytes`, at least one; and their bytes. */
  private nextBatch(): { batch: EncodedMessage[]; bytes: number } {
    const end = Math.min(this.pending.length, this.head + this.maxBatch);
    let bytes = 0;
    let last = this.head;
    for (; last < end; last += 1) {
      const size = sizeOf(this.pending[last] as EncodedMessage);
      if (last > this.head && bytes + size > this.maxBatchBytes) break;
      bytes += size;
    }
    return { batch: this.pending.slice(this.head, last), bytes };
  }

  private putBack(batch: EncodedMessage[]): void {
    this.pending = batch.concat(this.pending.slice(this.head));
    this.head = 0;
    this.dropWhileOver();
  }

  /** Drops the oldest waiting messages while over either bound (the batch in flight is not dropped). */
  private dropWhileOver(): void {
    const { maxMessages, maxBytes } = this.options;
    let count = 0;
    while (this.waiting > 0 && (this.waiting + this.inFlight > maxMessages || this.bytes > maxBytes)) {
      this.bytes -= sizeOf(this.pending[this.head] as EncodedMessage);
      this.head += 1;
      count += 1;
    }
    if (count === 0) return;
    this.droppedFull += count;
    this.compact();
    this.overflowWarning.add(count, {
      maxMessages,
      maxBytes,
      bufferedBytes: this.bytes,
      lastError: this.lastError,
    });
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
  }

  private backoff(): Promise<void> {
    const delay = this.retryBackoff.next();
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
