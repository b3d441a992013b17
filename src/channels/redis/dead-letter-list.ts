import type { RedisClient } from './redis-connection.js';
import type { DeadLetter, DeadLetterFilter } from '../channel.js';
import { deadLetterBytes, parseDeadLetter } from './dead-letter-record.js';

/** Dead-letter records read at once by a requeue. */
const REQUEUE_PAGE = 1000;

/**
 * Puts one dead-letter record's message back on the queue, atomically (one script):
 * resolves 1 when this call moved it, 0 when the record was already gone.
 */
export type RequeueOne = (record: Buffer, message: Buffer) => Promise<number>;

/**
 * The dead letters of a Redis channel: a LIST of records, newest at the head, never
 * trimmed. Listing, requeueing and purging are the same for the list and streams channels.
 */
export class DeadLetterList {
  constructor(private readonly key: string) {}

  /** Up to `limit` dead letters, newest first. */
  async list(connection: RedisClient, limit: number): Promise<DeadLetter[]> {
    // Buffers: a record of a message over the maximum holds its raw bytes.
    const records = await connection.lrangeBuffer(this.key, 0, Math.max(limit, 1) - 1);
    return records.map(parseDeadLetter);
  }

  /**
   * Moves up to `limit` dead letters (oldest first; only those whose reason contains
   * `filter.reason`, when given) back onto the queue with `requeueOne`, so requeues
   * running at once never queue one twice.
   */
  async requeue(connection: RedisClient, limit: number, filter: DeadLetterFilter, requeueOne: RequeueOne): Promise<number> {
    let requeued = 0;
    // Pages are read from the oldest end. Records another requeue removes meanwhile shift
    // the pages and can hide one, so passes repeat until one finds nothing to take.
    for (;;) {
      let found = 0;
      let offset = 0;
      while (requeued < limit) {
        const records = await connection.lrangeBuffer(this.key, -(offset + REQUEUE_PAGE), -(offset + 1));
        let removed = 0;
        for (const record of records.reverse()) {
          if (requeued >= limit) break;
          const letter = parseDeadLetter(record);
          if (filter.reason !== undefined && !letter.reason.includes(filter.reason)) continue;
          found += 1;
          if ((await requeueOne(record, deadLetterBytes(letter))) === 1) {
            requeued += 1;
            removed += 1;
          }
        }
        if (records.length < REQUEUE_PAGE) break;
        offset += records.length - removed;
      }
      if (found === 0 || requeued >= limit) return requeued;
    }
  }

  /** Deletes every dead letter; returns how many there were. */
  async purge(connection: RedisClient): Promise<number> {
    const results = await connection.multi().llen(this.key).del(this.key).exec();
    const count = results?.[0]?.[1];
    return typeof count === 'number' ? count : 0;
  }
}
