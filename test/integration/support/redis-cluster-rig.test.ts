// The Redis Cluster test rig itself, against real redis-servers: it forms a cluster of 3
// masters with a replica each, a cluster client reaches every slot through it, and a
// SIGKILLed master is replaced by its replica (what the failover tests build on).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Cluster } from 'ioredis';
import { CLUSTER_MASTERS, parseClusterNodes, startRedisCluster, type RedisClusterHandle } from '../../support/redis-cluster.js';
import { waitFor } from '../../support/wait-for.js';

describe('parseClusterNodes', () => {
  it('reads roles, failure flags, masters and slot ranges (importing slots left out)', () => {
    const nodes = parseClusterNodes(
      [
        'a1 127.0.0.1:7001@17001 myself,master - 0 0 1 connected 0-5460 [5461->-b2]',
        'b2 127.0.0.1:7002@17002 master,fail - 0 0 2 connected 5461-10922 12000',
        'c3 127.0.0.1:7003@17003 slave a1 0 0 1 connected',
      ].join('\n'),
    );
    assert.deepEqual(nodes, [
      { id: 'a1', port: 7001, role: 'master', failing: false, masterId: undefined, slots: [[0, 5460]] },
      { id: 'b2', port: 7002, role: 'master', failing: true, masterId: undefined, slots: [[5461, 10922], [12000, 12000]] },
      { id: 'c3', port: 7003, role: 'replica', failing: false, masterId: 'a1', slots: [] },
    ]);
  });
});

describe('the Redis Cluster test rig', { timeout: 120_000 }, () => {
  let cluster: RedisClusterHandle;
  let client: Cluster;
  before(async () => {
    cluster = await startRedisCluster({ password: 'cluster-secret' });
    client = new Cluster([...cluster.startupNodes], { redisOptions: { password: 'cluster-secret' } });
  });
  after(async () => {
    client.disconnect();
    await cluster.dispose();
  });

  it('forms 3 masters covering every slot, each with a replica; a cluster client reaches keys on all of them', async () => {
    const nodes = await cluster.nodes();
    const masters = nodes.filter((node) => node.role === 'master');
    assert.equal(masters.length, CLUSTER_MASTERS);
    assert.deepEqual(
      nodes.filter((node) => node.role === 'replica').map((node) => node.masterId).sort(),
      masters.map((node) => node.id).sort(),
      'one replica per master',
    );
    const keys = Array.from({ length: 60 }, (_, i) => `rig-key-${i}`);
    for (const key of keys) await client.set(key, key);
    assert.deepEqual(await Promise.all(keys.map((key) => client.get(key))), keys);
    const owners = new Set(await Promise.all(keys.map(async (key) => (await cluster.masterOf(key)).port)));
    assert.equal(owners.size, CLUSTER_MASTERS, 'the keys spread over every master');
  });

  it("a SIGKILLed master's replica takes over its slots; the old master comes back as a replica", async () => {
    const key = '{rig-failover}:key';
    await client.set(key, 'before');
    const master = await cluster.masterOf(key);
    const before = await cluster.nodes();
    const masterId = before.find((node) => node.port === master.port)?.id;
    const replica = before.find((node) => node.role === 'replica' && node.masterId === masterId);
    assert.ok(replica, "the master's replica");
    await master.kill();
    await cluster.waitHealthy(30_000);
    const promoted = await cluster.masterOf(key);
    assert.equal(promoted.port, replica.port, 'its replica serves the slot');
    await waitFor(async () => (await client.set(key, 'after').then(() => true, () => false)), 'a write after the failover', 20_000);
    assert.equal(await client.get(key), 'after');
    await master.restart();
    await waitFor(async () => {
      const seen = (await cluster.nodes()).find((node) => node.port === master.port);
      return seen?.role === 'replica' && !seen.failing;
    }, 'the old master rejoined as a replica', 30_000);
  });
});
