import type { InProgressMessage } from '../channels/channel.js';

/**
 * The items that have been in progress longer than `thresholdMs` at `now`. Judged by the
 * time each entered in-progress, never by the message's own `serialized_at`: a backlog
 * that waited long in the queue is not stuck (defect 2 of the original published such a
 * backlog twice).
 */
export function stuckMessages(
  items: readonly InProgressMessage[],
  thresholdMs: number,
  now: number,
): InProgressMessage[] {
  return items.filter((item) => now - item.enteredAt > thresholdMs);
}
