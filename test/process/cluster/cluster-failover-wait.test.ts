// A master SIGKILLed while apps send on a 3-shard Redis Streams channel over a Redis
// Cluster, with wait_replicas 1: a batch counts as delivered only once WAIT confirms the
// replica has it (or it is sent again, appended once only), so nothing the clients
// counted as delivered is lost, and nothing is doubled.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startRedisCluster, type RedisClusterHandle } from '../../support/redis-cluster.js';
import { failoverRun } from './cluster-failover-rig.js';

let cluster: RedisClusterHandle;
before(async () => {
  cluster = await startRedisCluster();
});
after(async () => {
  await cluster.dispose();
});

test('failover with wait_replicas 1: nothing delivered is lost, nothing doubled', { timeout: 110_000 }, async () => {
  const figures = await failoverRun(cluster, 1);
  process.stdout.write(`failover with wait_replicas 1: ${JSON.stringify(figures)}\n`);
  assert.ok(figures.delivered > 0);
  assert.equal(figures.lost, 0, 'every message counted as delivered is stored');
  assert.equal(figures.doubled, 0, 'nothing stored twice');
  assert.equal(figures.notDelivered, 0, 'the clients delivered everything once the replica took over');
  assert.ok(figures.sumMatches, 'the stored seq values sum to what was sent');
});
