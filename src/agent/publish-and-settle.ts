import type { Channel, ReceivedMessage } from '../channels/channel.js';
import { TransientPublishError } from '../errors/publish-error.js';
import type { KadabraLogger } from '../logging/logger.js';
import type { Publisher, RejectedMessage } from '../publishers/publisher.js';
import { describeError } from './channel-failures.js';
import type { AgentStats } from './monitoring/agent-stats.js';

/** What became of one attempt to publish a batch of received messages. */
export type PublishAttempt =
  | {
      readonly status: 'published';
      /** Messages written and removed from in-progress. */
      readonly completed: number;
      /** Messages the publisher rejected for good, moved to the dead-letter list. */
      readonly deadLettered: number;
      /**
       * Messages the server refused without evidence against them: left in progress, to be
       * tried again later (the nanny), so that they hold back nothing else.
       */
      readonly held: number;
    }
  | {
      /** The publisher may succeed later: the messages stay in progress. */
      readonly status: 'transient';
      readonly error: TransientPublishError;
    }
  | {
      /** The publisher failed in a way it did not classify: the messages stay in progress. */
      readonly status: 'failed';
      readonly error: unknown;
    };

/**
 * Publishes `items` as one batch, then settles them: what the publisher rejected is
 * dead-lettered with its reason, what it held stays in progress, the rest is completed
 * in one call. Never throws: a
 * failure to settle is logged and leaves the item in progress, where the nanny finds it
 * later (publishing is idempotent, so publishing it again is harmless).
 *
 * With `stats`, it records the attempt (outcome, duration, points written, dead letters by
 * reason class) and tells the readiness whether the publisher writes; the caller counts
 * what was completed, as only it knows whether it is the nanny.
 */
export async function publishAndSettle(
  channel: Channel,
  publisher: Publisher,
  items: readonly ReceivedMessage[],
  logger: KadabraLogger,
  stats?: AgentStats,
): Promise<PublishAttempt> {
  const shards = byShard(items);
  if (shards.length <= 1) return publishAndSettleShard(channel, publisher, items, logger, stats);
  // A channel applies a publisher's state change atomically only within one shard (a
  // Redis Cluster slot): a batch that spans shards is published and settled shard by
  // shard. A later shard's failure leaves the earlier ones settled; the whole batch is
  // then tried again, and republishing what was settled changes nothing (idempotent
  // writes; its completion finds nothing in progress and applies no change).
  let completed = 0;
  let deadLettered = 0;
  let held = 0;
  for (const shard of shards) {
    const attempt = await publishAndSettleShard(channel, publisher, shard, logger, stats);
    if (attempt.status !== 'published') return attempt;
    completed += attempt.completed;
    deadLettered += attempt.deadLettered;
    held += attempt.held;
  }
  return { status: 'published', completed, deadLettered, held };
}

/** `items` grouped by their receipt's shard, in the order each shard first appears. */
function byShard(items: readonly ReceivedMessage[]): ReceivedMessage[][] {
  const groups = new Map<string, ReceivedMessage[]>();
  for (const item of items) {
    const group = groups.get(item.receipt.shard);
    if (group) group.push(item);
    else groups.set(item.receipt.shard, [item]);
  }
  return [...groups.values()];
}

/** `publishAndSettle` for messages of one shard. */
async function publishAndSettleShard(
  channel: Channel,
  publisher: Publisher,
  items: readonly ReceivedMessage[],
  logger: KadabraLogger,
  stats?: AgentStats,
): Promise<PublishAttempt> {
  if (items.length === 0) return { status: 'published', completed: 0, deadLettered: 0, held: 0 };
  let rejected;
  let held;
  let stateChange;
  const startedAt = stats?.now() ?? 0;
  try {
    ({ rejected, held = [], stateChange } = await publisher.publish(
      items.map((item) => item.metrics),
      items.map((item) => item.receipt),
    ));
    if (stats) {
      stats.attempt('published', startedAt);
      stats.readiness.publisherWriting();
    }
  } catch (error) {
    // One debug line per attempt, so that publishes can be counted from the log (the
    // chaos suite counts re-publishes this way; a timed-out attempt may have landed).
    logger.debug({ messages: items.length }, 'publish attempt failed');
    if (error instanceof TransientPublishError) {
      stats?.attempt('transient', startedAt);
      stats?.readiness.publisherFailed(error.message);
      return { status: 'transient', error };
    }
    stats?.attempt('failed', startedAt);
    return { status: 'failed', error };
  }

  const rejections = new Map<number, RejectedMessage>();
  for (const rejection of rejected) {
    const { index } = rejection;
    if (Number.isInteger(index) && index >= 0 && index < items.length) {
      rejections.set(index, rejection);
    } else {
      logger.warn({ index, batchSize: items.length }, 'publisher rejected an index outside the batch; ignored');
    }
  }
  const kept = new Set<number>();
  for (const { index } of held) if (!rejections.has(index)) kept.add(index);
  logger.debug(
    { messages: items.length, published: items.length - rejections.size - kept.size, rejected: rejections.size, held: kept.size },
    'published',
  );

  let deadLettered = 0;
  const toComplete: ReceivedMessage[] = [];
  for (const [index, item] of items.entries()) {
    if (kept.has(index)) continue;
    const rejection = rejections.get(index);
    if (rejection === undefined) {
      toComplete.push(item);
      // Written: one point per counter, timer and gauge, as InfluxDB stores them.
      if (stats) stats.points += item.metrics.counters.length + item.metrics.timers.length + item.metrics.gauges.length;
      continue;
    }
    const { reason, reasonClass = 'rejected' } = rejection;
    try {
      await channel.deadLetter(item.receipt, reason);
      deadLettered += 1;
      stats?.deadLetter(reasonClass);
      logger.error({ reason }, 'message can never be published; moved to the dead-letter list');
    } catch (error) {
      logger.error({ err: describeError(error), reason }, 'could not dead-letter a rejected message; it stays in progress');
    }
  }

  let completed = 0;
  if (toComplete.length > 0) {
    try {
      // With a state change, one atomic step: it is applied only if every message was still
      // in progress (and so never twice); otherwise they stay there for the nanny.
      const receipts = toComplete.map((item) => item.receipt);
      await (stateChange === undefined ? channel.complete(receipts) : channel.complete(receipts, { stateChange }));
      completed = toComplete.length;
    } catch (error) {
      logger.error(
        { err: describeError(error), count: toComplete.length },
        'published but could not mark complete; the nanny will publish again (idempotent)',
      );
    }
  }
  return { status: 'published', completed, deadLettered, held: kept.size };
}
