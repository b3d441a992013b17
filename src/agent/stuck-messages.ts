import type { InProgressMessage } from '../channels/channel.js';

/**
 * The items that have been in progress longer than `thresholdMs`. Judged by the time
 * each entered in-progress, never by the message's own `serialized_at`: a backlog that
 * waited long in the queue is not stuck (the original published such a backlog twice).
 * And judged by the channel's clock (`inProgressMs`: both ends of the interval read on
 * the Redis server or in SQLite), never by an agent's: an agent whose clock runs fast or
 * slow can neither hide a stuck message nor make a fresh one look stuck.
 */
export function stuckMessages(items: readonly InProgressMessage[], thresholdMs: number): InProgressMessage[] {
  return items.filter((item) => item.inProgressMs > thresholdMs);
}
