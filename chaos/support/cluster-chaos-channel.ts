import { randomBytes } from 'node:crypto';
import { Cluster } from 'ioredis';
import { streamShardKeys } from '../../src/channels/redis-streams/stream-shard-keys.js';
import { announceMasterAt } from '../../test/support/cluster-announce.js';
import { startRedisCluster, type RedisClusterHandle } from '../../test/support/redis-cluster.js';
import type { RedisServerHandle } from '../../test/support/redis-server.js';
import type { ChaosChannel } from './chaos-channel.js';
import { startReplicaLagProxy, type ReplicaLagProxy } from './replica-lag-proxy.js';

/** Shards of the cluster rows' channel: one stream per master of the 3-master test cluster, if their slots fall so. */
export const CLUSTER_SHARDS = 3;

/** A Redis Streams channel of `CLUSTER_SHARDS` shards on a Redis Cluster started for one row. */
export interface ClusterChaosChannel extends ChaosChannel {
  /** The cluster (3 masters, a replica each), for the row to kill a master of. */
  readonly cluster: RedisClusterHandle;
  /** The key of each shard. */
  readonly shardKeys: readonly string[];
  /** The master of shard 0, as the row began. */
  readonly shardMaster: RedisServerHandle;
  /** The proxy that master is reached through, which can make its replica trail it. */
  readonly lagProxy: ReplicaLagProxy;
}

/**
 * Starts a Redis Cluster (3 masters with a replica each, on loopback) and describes a
 * 3-shard Redis Streams channel on it; with `waitReplicas` > 0, the apps' and agents'
 * arguments carry `wait_replicas` (and a `wait_timeout_ms` of 1 s). The master of shard 0
 * is reached through a `ReplicaLagProxy` it announces as its address. Its `dispose()`
 * stops the proxy and the cluster.
 */
export async function startClusterChaosChannel(waitReplicas: number): Promise<ClusterChaosChannel> {
  const cluster = await startRedisCluster();
  const stream_key = `{chaos:${randomBytes(4).toString('hex')}}:stream`;
  const shardKeys = streamShardKeys(stream_key, CLUSTER_SHARDS);
  let lagProxy: ReplicaLagProxy | undefined;
  let shardMaster: RedisServerHandle;
  try {
    shardMaster = await cluster.masterOf(shardKeys[0] as string);
    lagProxy = await startReplicaLagProxy(shardMaster.port);
    await announceMasterAt(cluster, shardMaster.port, lagProxy.port);
  } catch (error) {
    await lagProxy?.close();
    await cluster.dispose();
    throw error;
  }
  const proxy = lagProxy;
  // The inspector waits out a failover (offline queue, retried redirections) rather than failing at once.
  const redis = new Cluster([...cluster.startupNodes]);
  redis.on('error', () => undefined);
  /** `[id, consumer, idle ms, deliveries]` of every pending entry of a shard; none before its group exists. */
  const pending = async (key: string): Promise<[string, string, number, number][]> => {
    try {
      return (await redis.xpending(key, 'kadabra', '-', '+', 1_000_000)) as [string, string, number, number][];
    } catch {
      return [];
    }
  };
  const allPending = async (): Promise<[string, string, number, number][]> => (await Promise.all(shardKeys.map(pending))).flat();
  const dead = shardKeys.map((key) => `${key}:dead`);
  return {
    type: 'redis-streams',
    cluster,
    shardKeys,
    shardMaster,
    lagProxy: proxy,
    args: {
      cluster_nodes: cluster.startupNodes.map(({ host, port }) => `${host}:${port}`),
      shards: CLUSTER_SHARDS,
      stream_key,
      ...(waitReplicas > 0 ? { wait_replicas: waitReplicas, wait_timeout_ms: 1000 } : {}),
    },
    // The dead letters of the first shard: the rows inject no bad message, so none is expected on any.
    deadKey: dead[0] as string,
    counts: async () => {
      const [lengths, inProgress] = await Promise.all([
        Promise.all(shardKeys.map((key) => redis.xlen(key))),
        allPending().then((entries) => entries.length),
      ]);
      return { queued: lengths.reduce((sum, length) => sum + length, 0) - inProgress, inProgress };
    },
    // Shard keys before entry ids: the same id may be on two shards.
    inProgressIds: async () => (await Promise.all(shardKeys.map(async (key) => (await pending(key)).map(([entry]) => `${key} ${entry}`).reverse()))).flat(),
    enteredTimes: async () => {
      const now = Date.now();
      const byShard = await Promise.all(shardKeys.map(async (key) => (await pending(key)).map(([entry, , idle]): [string, number] => [`${key} ${entry}`, now - Number(idle)])));
      return new Map(byShard.flat());
    },
    push: async (bytes) => void (await redis.xadd(shardKeys[0] as string, '*', 'm', bytes)),
    keys: [...shardKeys, ...dead],
    dispose: async () => {
      redis.disconnect();
      await proxy.close();
      await cluster.dispose();
    },
  };
}

/** The cluster of a row's channel. @throws Error when the row's channel is not on a cluster (the scenario is declared wrongly). */
export function clusterOf(channel: ChaosChannel): ClusterChaosChannel {
  if (!('cluster' in channel)) throw new Error('this scenario runs on a cluster channel: give it channel: () => startClusterChaosChannel(...)');
  return channel as ClusterChaosChannel;
}
