// The Redis Streams channel on a real Redis Cluster that serves TLS only (3 masters with a
// replica each, `--tls-port` with a CA the test rig makes, `tls-cluster` and
// `tls-replication` on, client certificates required, a password): the same TLS and auth
// arguments as a single server, on every node the cluster client reaches through the
// topology. Also the failures a person must be able to act on.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RedisStreamsChannel } from '../../../src/channels/redis-streams/redis-streams-channel.js';
import { RedisNotReadyError } from '../../../src/channels/redis/redis-not-ready-error.js';
import { Kadabra } from '../../../src/client/kadabra.js';
import { createLogger } from '../../../src/logging/logger.js';
import { startRedisCluster, type RedisClusterHandle } from '../../support/redis-cluster.js';
import { uniqueStreamKey } from '../../support/redis-server.js';
import { makeTestCertificates, type TestCertificates } from '../../support/test-ca.js';

const silent = createLogger({ level: 'silent' });
const SHARDS = 3;
const MESSAGES = 60;
const PASSWORD = 'cluster-secret';

describe('Redis Streams channel on a TLS-only Redis Cluster (real redis-servers, tls-cluster yes)', () => {
  let certificates: TestCertificates;
  let cluster: RedisClusterHandle;
  let cluster_nodes: string[];

  before(async () => {
    certificates = makeTestCertificates();
    cluster = await startRedisCluster({ tls: { certificates, authClients: true }, password: PASSWORD });
    cluster_nodes = cluster.startupNodes.map(({ host, port }) => `${host}:${port}`);
  });
  after(async () => {
    await cluster?.dispose();
    certificates?.dispose();
  });

  /** The channel arguments of every test: TLS with the client certificate, the password. */
  function tlsArgs(stream_key: string): Record<string, unknown> {
    return {
      cluster_nodes,
      shards: SHARDS,
      stream_key,
      tls: true,
      ca: certificates.caFile,
      cert: certificates.clientCertFile,
      key: certificates.clientKeyFile,
      password: PASSWORD,
      connect_timeout: 5,
    };
  }

  test('a client sends over TLS to every shard; an agent-side channel receives, completes and reports each shard', { timeout: 60_000 }, async () => {
    const stream_key = uniqueStreamKey('cluster-tls');
    const args = tlsArgs(stream_key);
    const app = new Kadabra({ CLIENT_CHANNEL_TYPE: 'redis-streams', CLIENT_CHANNEL_ARGS: args, CLIENT_FLUSH_TIMEOUT_SECONDS: 20 }, { logger: silent });
    for (let i = 0; i < MESSAGES; i += 1) {
      const metrics = app.metrics();
      metrics.addCount('overTlsCluster', i);
      app.send(metrics.close());
      // Several batches: the client sends each whole to one shard, the next to the next.
      if (i % (MESSAGES / 6) === MESSAGES / 6 - 1) await app.flush();
    }
    const stats = await app.close();
    assert.deepEqual([stats.delivered, stats.dropped], [MESSAGES, 0], `delivered (last error: ${String(stats.lastError)})`);

    const agentSide = new RedisStreamsChannel(args, silent);
    try {
      const before = await agentSide.status();
      assert.equal(before.queued, MESSAGES);
      const shards = before.shards ?? [];
      assert.equal(shards.length, SHARDS);
      // Every shard was written to (the client spreads them), each on a master of the TLS cluster.
      const masters = new Set((await cluster.nodes()).filter((node) => node.role === 'master').map((node) => `127.0.0.1:${node.port}`));
      for (const shard of shards) {
        assert.ok(shard.queued > 0, `shard ${shard.stream} received messages`);
        assert.ok(masters.has(shard.node), `shard ${shard.stream} is on ${shard.node}, a master (${[...masters].join(', ')})`);
      }
      let sum = 0;
      let received = 0;
      for (let round = 0; round < 50 && received < MESSAGES; round += 1) {
        const batch = await agentSide.receiveBatch(25);
        for (const message of batch) sum += Number(message.metrics.counters[0]?.value ?? Number.NaN);
        received += batch.length;
        await agentSide.complete(batch.map((message) => message.receipt));
      }
      assert.equal(received, MESSAGES);
      assert.equal(sum, (MESSAGES * (MESSAGES - 1)) / 2, 'every message once');
      const afterwards = await agentSide.status();
      assert.deepEqual([afterwards.queued, afterwards.inProgress], [0, 0]);
    } finally {
      await agentSide.close();
    }
  });

  test('a startup node that does not answer is passed over for the others', { timeout: 30_000 }, async () => {
    const args = { ...tlsArgs(uniqueStreamKey('cluster-tls-startup')), cluster_nodes: ['127.0.0.1:1', ...cluster_nodes] };
    const app = new Kadabra({ CLIENT_CHANNEL_TYPE: 'redis-streams', CLIENT_CHANNEL_ARGS: args, CLIENT_FLUSH_TIMEOUT_SECONDS: 20 }, { logger: silent });
    const metrics = app.metrics();
    metrics.addCount('pastADeadStartupNode', 1);
    app.send(metrics.close());
    const stats = await app.close();
    assert.equal(stats.delivered, 1, `delivered (last error: ${String(stats.lastError)})`);
    const agentSide = new RedisStreamsChannel(args, silent);
    try {
      const received = await agentSide.receive({ timeoutSeconds: 5 });
      assert.equal(received?.metrics.counters[0]?.name, 'pastADeadStartupNode');
      await agentSide.complete(received ? [received.receipt] : []);
    } finally {
      await agentSide.close();
    }
  });

  test('an unknown CA fails with the certificate error and says to set ca', { timeout: 30_000 }, async () => {
    const channel = new RedisStreamsChannel({ ...tlsArgs(uniqueStreamKey('cluster-tls-ca')), ca: certificates.otherCaFile, connect_timeout: 2 }, silent);
    try {
      await assert.rejects(channel.status(), (error: unknown) => {
        assert.ok(error instanceof RedisNotReadyError, `expected RedisNotReadyError, got ${String(error)}`);
        assert.match(error.message, /certificate/i);
        assert.match(error.message, /\bca\b/);
        assert.doesNotMatch(error.message, new RegExp(PASSWORD));
        return true;
      });
    } finally {
      await channel.close();
    }
  });

  test('no node listening at cluster_nodes says to start Redis or fix cluster_nodes', { timeout: 30_000 }, async () => {
    const channel = new RedisStreamsChannel({ ...tlsArgs(uniqueStreamKey('cluster-tls-down')), cluster_nodes: ['127.0.0.1:1'], connect_timeout: 2 }, silent);
    try {
      await assert.rejects(channel.status(), (error: unknown) => {
        assert.ok(error instanceof RedisNotReadyError, `expected RedisNotReadyError, got ${String(error)}`);
        assert.match(error.message, /ECONNREFUSED 127\.0\.0\.1:1; fix: start Redis, or fix cluster_nodes in/);
        return true;
      });
    } finally {
      await channel.close();
    }
  });

  test('a wrong password says which argument to change, never the password', { timeout: 30_000 }, async () => {
    const channel = new RedisStreamsChannel({ ...tlsArgs(uniqueStreamKey('cluster-tls-auth')), password: 'not-the-one', connect_timeout: 2 }, silent);
    try {
      await assert.rejects(channel.status(), (error: unknown) => {
        assert.ok(error instanceof RedisNotReadyError, `expected RedisNotReadyError, got ${String(error)}`);
        assert.match(error.message, /password/);
        assert.doesNotMatch(error.message, /not-the-one/);
        return true;
      });
    } finally {
      await channel.close();
    }
  });
});
