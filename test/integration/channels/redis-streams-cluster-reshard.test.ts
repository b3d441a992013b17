// A topology change under traffic: the slot of one shard of a Redis Streams channel moves
// from its master to another (CLUSTER SETSLOT IMPORTING / MIGRATING, MIGRATE of its keys,
// SETSLOT NODE, as `redis-cli --cluster reshard` does it) while an app sends and an
// agent-side channel receives and completes. Every phase of the move is met by traffic:
// the slot migrating with its keys still on the source, the keys moved (ASK), the move
// finished (MOVED). Each message arrives once, nothing is left, and the shard is then
// reported on its new master.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RedisStreamsChannel } from '../../../src/channels/redis-streams/redis-streams-channel.js';
import { streamShardKeys } from '../../../src/channels/redis-streams/stream-shard-keys.js';
import { Kadabra } from '../../../src/client/kadabra.js';
import { createLogger } from '../../../src/logging/logger.js';
import { onClusterNode, startRedisCluster, type ClusterNode, type RedisClusterHandle } from '../../support/redis-cluster.js';
import { uniqueStreamKey } from '../../support/redis-server.js';

const silent = createLogger({ level: 'silent' });
const SHARDS = 3;
/** Messages sent in each phase of the move, in batches of `BATCH` (one batch per shard in turn). */
const PER_PHASE = 30;
const BATCH = 5;

let cluster: RedisClusterHandle;

before(async () => {
  cluster = await startRedisCluster();
});

after(async () => {
  await cluster?.dispose();
});

/** The master serving `slot`, and another master to move it to. */
async function sourceAndTarget(slot: number): Promise<{ source: ClusterNode; target: ClusterNode }> {
  const masters = (await cluster.nodes()).filter((node) => node.role === 'master' && node.slots.length > 0);
  const source = masters.find((node) => node.slots.some(([first, last]) => first <= slot && slot <= last));
  const target = masters.find((node) => node !== source);
  assert.ok(source && target, `masters for slot ${slot}`);
  return { source, target };
}

/** MIGRATEs every key of `slot` from `source` to `target` (the slot set MIGRATING / IMPORTING before). */
async function migrateKeys(slot: number, source: ClusterNode, target: ClusterNode): Promise<number> {
  let moved = 0;
  for (;;) {
    const keys = (await onClusterNode(source.port, (redis) => redis.call('CLUSTER', 'GETKEYSINSLOT', slot, 100))) as string[];
    if (keys.length === 0) return moved;
    await onClusterNode(source.port, (redis) => redis.call('MIGRATE', '127.0.0.1', target.port, '', 0, 5000, 'KEYS', ...keys));
    moved += keys.length;
  }
}

test('a shard whose slot moves to another master while messages flow: each message once, nothing left', { timeout: 120_000 }, async () => {
  const stream_key = uniqueStreamKey('reshard');
  const cluster_nodes = cluster.startupNodes.map(({ host, port }) => `${host}:${port}`);
  const args = { cluster_nodes, shards: SHARDS, stream_key, connect_timeout: 5 };
  const app = new Kadabra({ CLIENT_CHANNEL_TYPE: 'redis-streams', CLIENT_CHANNEL_ARGS: args, CLIENT_FLUSH_TIMEOUT_SECONDS: 30 }, { logger: silent });
  const agentSide = new RedisStreamsChannel(args, silent);
  let sent = 0;
  const seen = new Map<number, number>();

  /** Sends `PER_PHASE` messages (values numbered from 1, each once) in flushed batches, over every shard. */
  const sendPhase = async (): Promise<void> => {
    for (let i = 0; i < PER_PHASE; i += 1) {
      sent += 1;
      const metrics = app.metrics();
      metrics.addCount('reshard', sent);
      app.send(metrics.close());
      if (sent % BATCH === 0) {
        const stats = await app.flush();
        assert.equal(stats.dropped, 0, `nothing dropped (last error: ${String(stats.lastError)})`);
      }
    }
  };
  /** Receives and completes what is waiting (a few batches). */
  const receiveSome = async (rounds: number): Promise<void> => {
    for (let round = 0; round < rounds; round += 1) {
      const batch = await agentSide.receiveBatch(20);
      if (batch.length === 0) return;
      for (const message of batch) {
        const value = Number(message.metrics.counters[0]?.value);
        seen.set(value, (seen.get(value) ?? 0) + 1);
      }
      await agentSide.complete(batch.map((message) => message.receipt));
    }
  };

  try {
    await sendPhase();
    await receiveSome(2);
    const [movedShard = ''] = streamShardKeys(stream_key, SHARDS);
    const slot = Number(await onClusterNode(cluster.startupNodes[0]?.port ?? 0, (redis) => redis.call('CLUSTER', 'KEYSLOT', movedShard)));
    const { source, target } = await sourceAndTarget(slot);

    // The slot is migrating; its keys are all still on the source.
    await onClusterNode(target.port, (redis) => redis.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', source.id));
    await onClusterNode(source.port, (redis) => redis.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', target.id));
    await sendPhase();
    await receiveSome(2);

    // Its keys moved to the target; the source answers ASK for them.
    const moved = await migrateKeys(slot, source, target);
    assert.ok(moved >= 2, `the shard's stream and its companion keys moved (${moved})`);
    await sendPhase();
    await receiveSome(2);

    // The move is finished: every master says the target serves the slot (MOVED from then on).
    for (const node of (await cluster.nodes()).filter((candidate) => candidate.role === 'master')) {
      await onClusterNode(node.port, (redis) => redis.call('CLUSTER', 'SETSLOT', slot, 'NODE', target.id));
    }
    await sendPhase();
    const stats = await app.close();
    assert.deepEqual([stats.delivered, stats.dropped], [sent, 0], `every message delivered (last error: ${String(stats.lastError)})`);

    for (let round = 0; round < 100 && [...seen.values()].reduce((sum, count) => sum + count, 0) < sent; round += 1) await receiveSome(1);
    const doubled = [...seen].filter(([, count]) => count > 1).map(([value]) => value);
    const missing = Array.from({ length: sent }, (_, i) => i + 1).filter((value) => !seen.has(value));
    assert.deepEqual({ missing, doubled }, { missing: [], doubled: [] });

    const status = await agentSide.status();
    assert.deepEqual([status.queued, status.inProgress], [0, 0]);
    const shard = status.shards?.find((candidate) => candidate.stream === movedShard);
    assert.equal(shard?.node, `127.0.0.1:${target.port}`, 'the moved shard is reported on its new master');
  } finally {
    await app.close();
    await agentSide.close();
  }
});
