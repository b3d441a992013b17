// The conformance suite on a Redis Streams channel of 3 shards over a real Redis Cluster
// (3 masters with a replica each, started by the test rig).
import { Cluster } from 'ioredis';
import { RedisStreamsChannel } from '../../../src/channels/redis-streams/redis-streams-channel.js';
import { streamShardKeys } from '../../../src/channels/redis-streams/stream-shard-keys.js';
import { createLogger } from '../../../src/logging/logger.js';
import { channelConformance } from '../../conformance/channel-conformance.js';
import { startRedisCluster } from '../../support/redis-cluster.js';
import { uniqueStreamKey } from '../../support/redis-server.js';

const silent = createLogger({ level: 'silent' });

channelConformance('RedisStreamsChannel, 3 shards on a real Redis Cluster', async () => {
  const cluster = await startRedisCluster();
  const cluster_nodes = cluster.startupNodes.map(({ host, port }) => `${host}:${port}`);
  const client = new Cluster([...cluster.startupNodes]);
  client.on('error', () => undefined);
  return {
    sharded: true,
    newStore: async () => {
      const stream_key = uniqueStreamKey('conformance');
      const [firstShard = ''] = streamShardKeys(stream_key, 3);
      return {
        open: (options = {}) =>
          new RedisStreamsChannel(
            { cluster_nodes, shards: 3, stream_key, ...(options.deadMaxLength ? { dead_max_length: options.deadMaxLength } : {}) },
            silent,
          ),
        pushRaw: async (raws) => {
          // As any producer would: one entry per message, field m, all on one shard (in order).
          for (const raw of raws) await client.xadd(firstShard, '*', 'm', raw);
        },
      };
    },
    dispose: async () => {
      client.disconnect();
      await cluster.dispose();
    },
  };
});
