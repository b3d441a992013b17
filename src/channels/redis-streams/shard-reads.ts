import { secondsToMilliseconds } from '../../config/duration-seconds.js';
import { DEFAULT_RECEIVE_TIMEOUT_SECONDS, type ReceivedMessage, type ReceiveOptions } from '../channel.js';
import { BLOCK_SLICE_MS, type StreamEntry, type StreamShard } from './stream-shard.js';

/** A promise and the function that resolves it. */
function signalled(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** An entry delivered to this consumer and not yet handed to a caller, with its shard. */
interface Delivered {
  readonly shard: StreamShard;
  readonly entry: StreamEntry;
}

/**
 * The blocking receive of a channel with several shards: a stream cannot be read together
 * with another in a cluster (their keys are in different slots), so one blocking read per
 * shard waits at once, and the first entry to arrive is handed to a waiting caller.
 *
 * The reads are shared by the callers waiting at the same moment (at most one per shard,
 * asking for as many entries as callers wait), and are not cut short when the caller that
 * started them leaves: an entry a read delivers after its caller took another is kept here
 * for the next caller (at most one read's worth per shard), instead of being left pending
 * for a nanny. Only `close` (the `closed` signal) drops the reads, which ends the server's
 * waits; what was delivered but not handed out then stays pending for this consumer, for a
 * nanny to claim once idle, as a read dropped in flight does.
 */
export class ShardReads {
  private readonly delivered: Delivered[] = [];
  private readonly reading = new Set<StreamShard>();
  private readonly failures: unknown[] = [];
  private waiting = 0;
  private changed = signalled();

  constructor(
    private readonly shards: readonly StreamShard[],
    private readonly closed: AbortSignal,
  ) {}

  /** Waits for an entry on any shard, as `Channel.receive` describes; `signal` includes the channel's close. */
  async receive(options: ReceiveOptions, signal: AbortSignal): Promise<ReceivedMessage | null> {
    const deadline = Date.now() + secondsToMilliseconds(options.timeoutSeconds ?? DEFAULT_RECEIVE_TIMEOUT_SECONDS);
    this.waiting += 1;
    try {
      for (let first = true; !signal.aborted; first = false) {
        const next = this.delivered.shift();
        if (next) {
          const [message] = await next.shard.accept([next.entry], options.maxMessageBytes ?? 0);
          if (message) return message;
          continue;
        }
        if (this.failures.length > 0) throw this.failures.shift();
        const remaining = deadline - Date.now();
        if (!first && remaining < 1) return null;
        // BLOCK 0 would wait for ever: a receive whose time is up still reads once, for 1 ms.
        this.startReads(Math.ceil(Math.min(Math.max(remaining, 1), BLOCK_SLICE_MS)));
        await this.nextChange(Math.max(remaining, 1), signal);
      }
      return null;
    } finally {
      this.waiting -= 1;
    }
  }

  /** A blocking read on each shard that has none. */
  private startReads(blockMs: number): void {
    for (const shard of this.shards) {
      if (this.reading.has(shard)) continue;
      this.reading.add(shard);
      void shard.readBlocking(this.waiting, blockMs, this.closed).then(
        (entries) => {
          for (const entry of entries ?? []) this.delivered.push({ shard, entry });
        },
        (error: unknown) => {
          // One failure per shard at most waits for a caller: the next read fails the same way.
          if (this.failures.length >= this.shards.length) this.failures.shift();
          this.failures.push(error);
        },
      ).finally(() => {
        this.reading.delete(shard);
        const { resolve } = this.changed;
        this.changed = signalled();
        resolve();
      });
    }
  }

  /** Until a read ends, `ms` pass, or `signal` aborts. */
  private async nextChange(ms: number, signal: AbortSignal): Promise<void> {
    const until = AbortSignal.any([signal, AbortSignal.timeout(ms)]);
    if (until.aborted) return;
    const stop = new Promise<void>((resolve) => until.addEventListener('abort', () => resolve(), { once: true }));
    await Promise.race([this.changed.promise, stop]);
  }
}
