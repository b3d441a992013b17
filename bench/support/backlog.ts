import type { Redis } from 'ioredis';
import { MetricsCollector } from '../../src/client/metrics-collector.js';
import { DEFAULT_TIMESTAMP_FORMAT } from '../../src/metrics/metrics.js';
import { encodeMetrics } from '../../src/wire/codec.js';
import { recordTypical } from './typical-message.js';

/** `count` typical messages as the client encodes them, numbered from `first`. */
export function typicalMessages(count: number, first = 0): string[] {
  const messages: string[] = [];
  for (let i = first; i < first + count; i += 1) {
    const collector = new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT);
    recordTypical(collector, i);
    messages.push(encodeMetrics(collector.close()));
  }
  return messages;
}

/** Redis keys of one agent run. */
export interface QueueKeys {
  readonly queue_key: string;
  readonly inprogress_key: string;
  readonly dead_key: string;
}

/** Fresh keys for one run. */
export function queueKeys(name: string): QueueKeys {
  const id = `bench:${name}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  return { queue_key: `${id}:queue`, inprogress_key: `${id}:inprogress`, dead_key: `${id}:dead` };
}

/** The staging list a backlog is built in before {@link releaseBacklog} makes it the queue. */
export function stagingKey(keys: QueueKeys): string {
  return `${keys.queue_key}:staging`;
}

/** Appends messages to the staging list, oldest first (LPUSH, as the client does). */
export async function stageMessages(redis: Redis, keys: QueueKeys, messages: readonly string[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 1000) {
    await redis.lpush(stagingKey(keys), ...messages.slice(i, i + 1000));
  }
}

/** Makes the staged backlog the queue at once (RENAME is atomic and wakes blocked receivers). */
export async function releaseBacklog(redis: Redis, keys: QueueKeys): Promise<void> {
  await redis.rename(stagingKey(keys), keys.queue_key);
}

/** Messages queued plus in progress. */
export async function pendingMessages(redis: Redis, keys: QueueKeys): Promise<number> {
  const [queued, inProgress] = await Promise.all([redis.llen(keys.queue_key), redis.llen(keys.inprogress_key)]);
  return queued + inProgress;
}

/** Deletes every key of a run, the channel's in-progress bookkeeping hashes included (same prefix). */
export async function deleteKeys(redis: Redis, keys: QueueKeys): Promise<void> {
  const prefix = keys.queue_key.slice(0, -':queue'.length);
  const found = await redis.keys(`${prefix}:*`);
  if (found.length > 0) await redis.del(...found);
}
