import type { Receipt } from '../channel.js';

/**
 * The receipt of a message received from the Redis Streams channel: the stream entry's
 * id (`<ms>-<seq>`, unique within the stream) in `id`, the stream key in `shard`. The
 * pair is the message's identity: a republish carries the same, and two messages never
 * share it, even with identical bytes.
 */
export class RedisStreamReceipt implements Receipt {
  constructor(
    readonly id: string,
    readonly shard: string,
    readonly bytes: number,
  ) {}
}
