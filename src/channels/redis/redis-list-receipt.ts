import type { Receipt } from '../channel.js';

/**
 * The receipt of a message received from the Redis list channel. A list holds bytes, not
 * ids: the channel finds the message again by its exact bytes (kept here, out of sight
 * of logs and `JSON.stringify`), and its entered-time record by their SHA-1 (the `id`).
 */
export class RedisListReceipt implements Receipt {
  /** The list channel has one list of messages in progress. */
  readonly shard = '';
  readonly bytes: number;
  readonly #message: Buffer;

  /**
   * @param message the exact bytes as read from the list.
   * @param id their hex SHA-1, the same as Lua's `redis.sha1hex(message)`.
   * @param searchFrom the end of the in-progress list to look for it from: `'head'` for
   *   a message just received (receives push at the head), `'tail'` for one listed by
   *   `inProgress` (the oldest, near the tail).
   */
  constructor(
    message: Buffer,
    readonly id: string,
    readonly searchFrom: 'head' | 'tail',
  ) {
    this.#message = message;
    this.bytes = message.length;
  }

  /** The exact bytes of the message, for the scripts that remove it from the list. */
  get message(): Buffer {
    return this.#message;
  }
}
