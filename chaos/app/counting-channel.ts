import type { Channel } from '../../src/channels/channel.js';

/** A channel for the client that counts the messages of writes that failed after being sent. */
export interface CountingChannel {
  readonly channel: Channel;
  /**
   * Messages in `sendEncoded` calls that failed once the command may have gone out (not
   * those refused before sending because Redis was not connected). The client sends
   * them again, and such a write may have reached Redis all the same (its
   * acknowledgement lost in a restart): this bounds the copies a client can put on the
   * queue twice.
   */
  failedWrites(): number;
  /** Sequence numbers of the messages in those writes, once per failed write that carried it. */
  readonly inDoubt: readonly number[];
  /** Sequence numbers (the `chaos` counter's value) of every message Redis acknowledged. */
  readonly acked: ReadonlySet<number>;
  /** `[ms since the epoch, first seq, last seq]` of every acknowledged write, in order. */
  readonly ackedWrites: readonly (readonly [number, number, number])[];
}

// The `chaos` counter's value is the message's sequence number: the first unquoted number
// after a `"value": ` (the dimension values are strings; the counter is added first, before
// any `chaos_messages` one, and the wire keeps the order).
const SEQ = /"value": (\d+)/;

function seqOf(message: string): number | undefined {
  const match = SEQ.exec(message);
  return match ? Number(match[1]) : undefined;
}

// Errors that mean the command was never sent: the connection was not ready (the
// channel's own wait, or ioredis without an offline queue).
const NOT_SENT = /redis not ready|Stream isn't writeable|enableOfflineQueue/;

/** Wraps a real channel (list or streams); every call goes to it unchanged. */
export function countingChannel(redis: Channel): CountingChannel {
  let failed = 0;
  const acked = new Set<number>();
  const inDoubt: number[] = [];
  const ackedWrites: [number, number, number][] = [];
  const sendEncoded = async (messages: readonly string[]): Promise<void> => {
    try {
      await redis.sendEncoded(messages);
      let first = Number.POSITIVE_INFINITY;
      let last = 0;
      for (const message of messages) {
        const seq = seqOf(message);
        if (seq === undefined) continue;
        acked.add(seq);
        first = Math.min(first, seq);
        last = Math.max(last, seq);
      }
      if (last > 0) ackedWrites.push([Date.now(), first, last]);
    } catch (error) {
      if (!NOT_SENT.test(error instanceof Error ? error.message : String(error))) {
        failed += messages.length;
        for (const message of messages) {
          const seq = seqOf(message);
          if (seq !== undefined) inDoubt.push(seq);
        }
      }
      throw error;
    }
  };
  const channel = new Proxy(redis, {
    get(target, property) {
      if (property === 'sendEncoded') return sendEncoded;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { channel, failedWrites: () => failed, inDoubt, acked, ackedWrites };
}
