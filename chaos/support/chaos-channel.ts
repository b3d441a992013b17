import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { CREATED_NAMESPACE, PROMETHEUS_NAMESPACE } from '../../src/publishers/prometheus/series-totals.js';

/** The channel types the chaos suite runs on. */
export const CHAOS_CHANNEL_TYPES = ['redis', 'redis-streams'] as const;
export type ChaosChannelType = (typeof CHAOS_CHANNEL_TYPES)[number];

/**
 * One scenario's channel as the suite sees it from outside: the arguments its apps and
 * agents get, and what the suite reads and writes behind their backs (counts, what is in
 * progress and since when, a broken producer's messages), whatever the channel type.
 */
export interface ChaosChannel {
  readonly type: ChaosChannelType;
  /** `*_CHANNEL_ARGS` without the host (127.0.0.1). */
  readonly args: Readonly<Record<string, unknown>>;
  /** The LIST of dead-letter records. */
  readonly deadKey: string;
  /** Messages waiting and in progress. */
  counts(): Promise<{ readonly queued: number; readonly inProgress: number }>;
  /** Names of the messages in progress, newest first (list: SHA-1 of the bytes; streams: entry ids). */
  inProgressIds(): Promise<string[]>;
  /** When each message in progress entered it, ms since the epoch (this machine's clock: the server runs here). */
  enteredTimes(): Promise<Map<string, number>>;
  /** Appends raw bytes as a producer that is not a Kadabra client would. */
  push(bytes: Buffer): Promise<void>;
  /** Every key the channel may have created. */
  readonly keys: readonly string[];
  /** Stops what the channel started for its row (a cluster channel's cluster); none for the shared redis-server. */
  dispose?(): Promise<void>;
}

/** The Prometheus publisher's totals and latest gauge values, kept beside the channel's `key`. */
function stateKeys(key: string): string[] {
  return [`${key}:state:${PROMETHEUS_NAMESPACE}`, `${key}:state:${PROMETHEUS_NAMESPACE}:latest`, `${key}:state:${CREATED_NAMESPACE}`];
}

/** The Redis list channel, as Python Kadabra shares it. */
function listChannel(redis: Redis, port: number, id: string): ChaosChannel {
  const queue_key = `chaos:${id}:queue`;
  const inprogress_key = `chaos:${id}:inprogress`;
  const dead_key = `chaos:${id}:dead`;
  const entered = `${inprogress_key}:entered`;
  return {
    type: 'redis',
    args: { port, queue_key, inprogress_key, dead_key },
    deadKey: dead_key,
    counts: async () => {
      const [queued, inProgress] = await Promise.all([redis.llen(queue_key), redis.llen(inprogress_key)]);
      return { queued, inProgress };
    },
    inProgressIds: async () =>
      (await redis.lrangeBuffer(inprogress_key, 0, -1)).map((raw) => createHash('sha1').update(raw).digest('hex')),
    enteredTimes: async () => new Map(Object.entries(await redis.hgetall(entered)).map(([digest, ms]) => [digest, Number(ms)])),
    push: async (bytes) => void (await redis.lpush(queue_key, bytes)),
    keys: [queue_key, inprogress_key, dead_key, entered, `${dead_key}:dropped`, ...stateKeys(queue_key)],
  };
}

/** The Redis Streams channel, with the default consumer group. */
function streamsChannel(redis: Redis, port: number, id: string): ChaosChannel {
  const stream_key = `{chaos:${id}}:stream`;
  const dead = `${stream_key}:dead`;
  /** `[id, consumer, idle ms, deliveries]` of every pending entry, lowest id first; none before the group exists. */
  const pending = async (): Promise<[string, string, number, number][]> => {
    try {
      return (await redis.xpending(stream_key, 'kadabra', '-', '+', 1_000_000)) as [string, string, number, number][];
    } catch {
      return [];
    }
  };
  return {
    type: 'redis-streams',
    args: { port, stream_key },
    deadKey: dead,
    counts: async () => {
      const [length, inProgress] = await Promise.all([redis.xlen(stream_key), pending().then((entries) => entries.length)]);
      return { queued: length - inProgress, inProgress };
    },
    inProgressIds: async () => (await pending()).map(([entry]) => entry).reverse(),
    enteredTimes: async () => {
      const now = Date.now();
      return new Map((await pending()).map(([entry, , idle]) => [entry, now - Number(idle)]));
    },
    push: async (bytes) => void (await redis.xadd(stream_key, '*', 'm', bytes)),
    keys: [stream_key, dead, ...stateKeys(stream_key)],
  };
}

/** A scenario's channel of `type`, named after the scenario's id. */
export function chaosChannel(type: ChaosChannelType, redis: Redis, port: number, id: string): ChaosChannel {
  return type === 'redis' ? listChannel(redis, port, id) : streamsChannel(redis, port, id);
}
