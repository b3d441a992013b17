import { Cluster, Redis } from 'ioredis';
import { startRedisCluster } from '../test/support/redis-cluster.js';
import { formatRatio, formatValue, type BenchRow } from './support/bench-row.js';
import type { BenchContext } from './support/bench-context.js';
import { AGENT_CONFIGS, describeAgent } from './support/agent-configs.js';
import { typicalMessages } from './support/backlog.js';
import { clusterStreamsChannel } from './support/cluster-backlog.js';
import { drainWithAgent, type DrainResult } from './support/drain.js';
import { runIfMain } from './support/run-bench-main.js';
import { median } from './support/stats.js';

/** Shards of the cluster channel: one per master of the test cluster. */
const SHARDS = 3;
/** The cluster channel's default agent against the single server's, same run: not expected faster on one machine, only not much slower. */
const CLUSTER_OVER_SINGLE = 0.75;

/**
 * The default agent draining a backlog on a Redis Streams channel of 3 shards over a
 * Redis Cluster (3 masters with a replica each, on this machine) against the same agent
 * on the single-server streams channel, interleaved in one run.
 */
export async function clusterThroughputBench(context: BenchContext): Promise<BenchRow[]> {
  const count = context.smoke ? 1_000 : 100_000;
  const runs = context.smoke ? 1 : 3;
  const messages = typicalMessages(count);
  const redis = new Redis({ host: '127.0.0.1', port: context.servers.redisPort });
  const cluster = await startRedisCluster();
  const client = new Cluster([...cluster.startupNodes]);
  client.on('error', () => undefined);
  const clusterNodes = cluster.startupNodes.map(({ host, port }) => `${host}:${port}`);
  const single: DrainResult[] = [];
  const sharded: DrainResult[] = [];
  try {
    for (let run = 0; run < runs; run += 1) {
      single.push(await drainWithAgent(context, redis, 'cluster_single', messages, AGENT_CONFIGS.default, 'redis-streams'));
      context.log(`cluster-throughput: one server run ${run}: ${Math.round(single.at(-1)?.pointsPerSecond ?? 0)} points/s`);
      const channel = clusterStreamsChannel('cluster_sharded', client, clusterNodes, SHARDS);
      sharded.push(await drainWithAgent(context, redis, 'cluster_sharded', messages, AGENT_CONFIGS.default, channel));
      context.log(`cluster-throughput: cluster run ${run}: ${Math.round(sharded.at(-1)?.pointsPerSecond ?? 0)} points/s`);
    }
  } finally {
    client.disconnect();
    redis.disconnect();
    await cluster.dispose();
  }
  const bench = 'cluster-throughput';
  const singleRate = median(single.map((result) => result.pointsPerSecond));
  const clusterRate = median(sharded.map((result) => result.pointsPerSecond));
  const cpu = (results: readonly DrainResult[]): number => median(results.map((result) => result.cpuSecondsPerMillionPoints));
  return [
    {
      bench,
      figure: `default agent (${describeAgent(AGENT_CONFIGS.default)}) on redis-streams, ${SHARDS} shards on a Redis Cluster, ${count.toLocaleString('en-US')} msgs until queryable (points/s)`,
      ours: formatValue(clusterRate, 'points/s'),
      peer: `one server: ${formatValue(singleRate, 'points/s')}`,
      ratio: formatRatio(clusterRate, singleRate),
      target: `≥ ${CLUSTER_OVER_SINGLE}× one server`,
      met: clusterRate >= CLUSTER_OVER_SINGLE * singleRate,
      value: clusterRate,
    },
    {
      bench,
      figure: '  default agent CPU per million points, cluster',
      ours: formatValue(cpu(sharded), 'CPU s'),
      peer: `one server: ${formatValue(cpu(single), 'CPU s')}`,
      ratio: formatRatio(cpu(sharded), cpu(single)),
      value: cpu(sharded),
    },
  ];
}

runIfMain(import.meta.url, clusterThroughputBench);
