// A batch whose reply is lost, on a 3-shard Redis Streams channel over a real Redis Cluster
// (3 masters with a replica each) with wait_replicas 1: each master is reached through a
// proxy (the cluster announces the proxy's port, as a cluster behind NAT does), and the
// proxy cuts the connection when the first append's answer arrives, after the master ran
// it. The client sends the batch again; it is appended once, WAIT confirms the replica
// has it, and the client counts each message delivered once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Kadabra } from '../../../src/client/kadabra.js';
import { streamShardKeys } from '../../../src/channels/redis-streams/stream-shard-keys.js';
import { createLogger } from '../../../src/logging/logger.js';
import { announceMasterAt, type AnnouncedMaster } from '../../support/cluster-announce.js';
import { onClusterNode, startRedisCluster, type RedisClusterHandle } from '../../support/redis-cluster.js';
import { uniqueStreamKey } from '../../support/redis-server.js';
import { startReplyDroppingProxy, type ReplyDroppingProxy } from '../../support/reply-dropping-proxy.js';

const SHARDS = 3;
const MESSAGES = 5;

/** Entries of `key` on the node at `port` (a replica answers once told READONLY). */
function lengthOn(port: number, key: string): Promise<number> {
  return onClusterNode(port, async (redis) => {
    await redis.call('READONLY');
    return redis.xlen(key);
  });
}

let cluster: RedisClusterHandle;
const proxies: ReplyDroppingProxy[] = [];
/** Each master as the cluster was created: its own port, its replica's and its slots. */
let pairs: AnnouncedMaster[];

before(async () => {
  cluster = await startRedisCluster();
  const masters = (await cluster.nodes()).filter((node) => node.role === 'master');
  // Each master announces its proxy's port: the cluster's clients (and its replica) reach it through the proxy.
  pairs = [];
  for (const master of masters) {
    const proxy = await startReplyDroppingProxy(master.port);
    proxies.push(proxy);
    pairs.push(await announceMasterAt(cluster, master.port, proxy.port));
  }
});

after(async () => {
  await Promise.all(proxies.map((proxy) => proxy.close()));
  await cluster.dispose();
});

test('a batch whose reply was lost is sent again, appended once, and counted delivered once WAIT confirms the replica', { timeout: 60_000 }, async () => {
  const stream_key = uniqueStreamKey('lost-reply');
  const marker = `lost-reply-${stream_key.replace(/\W/g, '')}`;
  const cluster_nodes = cluster.startupNodes.map(({ host, port }) => `${host}:${port}`);
  const app = new Kadabra(
    {
      CLIENT_CHANNEL_TYPE: 'redis-streams',
      CLIENT_CHANNEL_ARGS: { cluster_nodes, shards: SHARDS, stream_key, wait_replicas: 1, wait_timeout_ms: 2000, connect_timeout: 2 },
      CLIENT_FLUSH_TIMEOUT_SECONDS: 30,
    },
    { logger: createLogger({ level: 'silent' }) },
  );
  for (const proxy of proxies) proxy.dropReplyTo(marker);
  for (let i = 0; i < MESSAGES; i += 1) {
    const metrics = app.metrics();
    metrics.addCount(marker, 1);
    app.send(metrics.close());
  }
  const stats = await app.close();
  assert.equal(proxies.reduce((sum, proxy) => sum + proxy.dropped, 0), 1, 'the first append ran, and its reply was lost');
  assert.deepEqual([stats.delivered, stats.dropped, stats.buffered], [MESSAGES, 0, 0], 'each message counted delivered once');

  // Each shard read on its master and on that master's replica (a plain connection each, not through a proxy).
  const names: string[] = [];
  for (const key of streamShardKeys(stream_key, SHARDS)) {
    const slot = Number(await onClusterNode(pairs[0]?.port ?? 0, (redis) => redis.call('CLUSTER', 'KEYSLOT', key)));
    const pair = pairs.find(({ slots }) => slots.some(([first, last]) => first <= slot && slot <= last));
    assert.ok(pair, `a master serves slot ${slot}`);
    const entries = await onClusterNode(pair.port, (redis) => redis.xrange(key, '-', '+'));
    names.push(...entries.map(([, fields]) => String(fields[1])));
    // WAIT confirmed the replica had the batch before the client counted it delivered.
    assert.equal(await lengthOn(pair.replica, key), entries.length, `${key}: the replica has its master's ${entries.length} entries`);
  }
  assert.equal(names.length, MESSAGES, 'every message appended once');
  assert.ok(names.every((name) => name.includes(marker)));
});
