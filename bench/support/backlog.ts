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

/** The channel types benchmarked. */
export type BenchChannelType = 'redis' | 'redis-streams';

/**
 * The channel of one agent run: its keys, and the backlog staged beside it and released at
 * once (RENAME is atomic), so the agent finds the whole backlog at one moment.
 */
export interface BenchChannel {
  readonly type: BenchChannelType;
  /** `*_CHANNEL_ARGS` beyond host and port. */
  readonly args: Readonly<Record<string, unknown>>;
  /** Appends messages to the staging key, oldest first, as the client does. */
  stage(redis: Redis, messages: readonly string[]): Promise<void>;
  /** Makes the staged backlog the channel's queue at once. */
  release(redis: Redis): Promise<void>;
  /** Messages queued plus in progress. */
  pending(redis: Redis): Promise<number>;
  /** Deletes every key of the run, the channel's bookkeeping included (same prefix). */
  remove(redis: Redis): Promise<void>;
}

async function deletePrefixed(redis: Redis, pattern: string): Promise<void> {
  const found = await redis.keys(pattern);
  if (found.length > 0) await redis.del(...found);
}

/** The Redis list channel: LISTs, staged with LPUSH. */
function listChannel(id: string): BenchChannel {
  const queue_key = `${id}:queue`;
  const inprogress_key = `${id}:inprogress`;
  const staging = `${queue_key}:staging`;
  return {
    type: 'redis',
    args: { queue_key, inprogress_key, dead_key: `${id}:dead` },
    stage: async (redis, messages) => {
      for (let i = 0; i < messages.length; i += 1000) await redis.lpush(staging, ...messages.slice(i, i + 1000));
    },
    release: async (redis) => void (await redis.rename(staging, queue_key)),
    pending: async (redis) => {
      const [queued, inProgress] = await Promise.all([redis.llen(queue_key), redis.llen(inprogress_key)]);
      return queued + inProgress;
    },
    remove: (redis) => deletePrefixed(redis, `${id}:*`),
  };
}

/** The Redis Streams channel: a STREAM (entries deleted once completed), staged with XADD, its group created before the release. */
function streamsChannel(id: string): BenchChannel {
  const tag = `{${id}}`;
  const stream_key = `${tag}:stream`;
  const staging = `${tag}:staging`;
  return {
    type: 'redis-streams',
    args: { stream_key },
    stage: async (redis, messages) => {
      for (let i = 0; i < messages.length; i += 1000) {
        const pipeline = redis.pipeline();
        for (const message of messages.slice(i, i + 1000)) pipeline.xadd(staging, '*', 'm', message);
        await pipeline.exec();
      }
    },
    release: async (redis) => {
      // The group moves with the stream: the agent reads the backlog from its first entry.
      await redis.xgroup('CREATE', staging, 'kadabra', '0');
      await redis.rename(staging, stream_key);
    },
    pending: (redis) => redis.xlen(stream_key),
    remove: (redis) => deletePrefixed(redis, `${tag.replace(/[{}]/g, '\\$&')}*`),
  };
}

/** A fresh channel of `type` for one run named `name`. */
export function benchChannel(name: string, type: BenchChannelType = 'redis'): BenchChannel {
  const id = `bench:${name}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  return type === 'redis' ? listChannel(id) : streamsChannel(id);
}
