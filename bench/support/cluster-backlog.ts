import type { Cluster } from 'ioredis';
import { shardCountKey, streamShardKeys } from '../../src/channels/redis-streams/stream-shard-keys.js';
import type { BenchChannel } from './backlog.js';

/**
 * A Redis Streams channel of `shards` shards on a Redis Cluster for one agent run: the
 * backlog is staged beside each shard (same hash tag, so same slot), spread over the
 * shards a thousand messages at a time as clients spread their batches, and released by
 * a RENAME per shard. Works through `client`; the `redis` the drain passes is not used.
 */
export function clusterStreamsChannel(name: string, client: Cluster, clusterNodes: readonly string[], shards: number): BenchChannel {
  const id = `bench:${name}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const stream_key = `{${id}}:stream`;
  const streams = streamShardKeys(stream_key, shards);
  const staging = streams.map((stream) => `${stream}:staging`);
  let next = 0;
  return {
    type: 'redis-streams',
    args: { stream_key, shards, cluster_nodes: clusterNodes },
    stage: async (_redis, messages) => {
      for (let i = 0; i < messages.length; i += 1000) {
        const key = staging[next] as string;
        next = (next + 1) % shards;
        const pipeline = client.pipeline();
        for (const message of messages.slice(i, i + 1000)) pipeline.xadd(key, '*', 'm', message);
        await pipeline.exec();
      }
    },
    release: async () => {
      for (const [i, key] of staging.entries()) {
        // The group moves with the stream: the agent reads the backlog from its first entry.
        await client.xgroup('CREATE', key, 'kadabra', '0', 'MKSTREAM');
        await client.rename(key, streams[i] as string);
      }
    },
    pending: async () => (await Promise.all(streams.map((stream) => client.xlen(stream)))).reduce((sum, length) => sum + length, 0),
    remove: async () => {
      for (const key of [...streams, ...staging, ...streams.map((stream) => `${stream}:dead`), shardCountKey(stream_key)]) await client.del(key);
    },
  };
}
