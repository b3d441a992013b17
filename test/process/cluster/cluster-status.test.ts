// `kadabra status` (the CLI process) on a 3-shard Redis Streams channel over a real Redis
// Cluster (3 masters with a replica each): each shard shown with the master that serves
// its slot, its lag (entries not yet read by the group), what is pending (read, not
// completed) and how long the oldest pending entry has waited, in text and in JSON.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Cluster } from 'ioredis';
import { RedisStreamsChannel } from '../../../src/channels/redis-streams/redis-streams-channel.js';
import { streamShardKeys } from '../../../src/channels/redis-streams/stream-shard-keys.js';
import type { StatusReport } from '../../../src/cli/status-report.js';
import { createLogger } from '../../../src/logging/logger.js';
import { wireMessage } from '../../conformance/conformance-support.js';
import { runKadabra, writeConfig } from '../../support/agent-process.js';
import { startRedisCluster, type RedisClusterHandle } from '../../support/redis-cluster.js';
import { uniqueStreamKey } from '../../support/redis-server.js';

/** Per shard: messages appended, and how many of them a consumer has read (pending). */
const APPENDED = [4, 2, 3] as const;
const READ = [1, 2, 0] as const;
/** How long the read entries wait before `kadabra status` runs. */
const PENDING_MS = 1500;

let cluster: RedisClusterHandle;
before(async () => {
  cluster = await startRedisCluster();
});
after(async () => {
  await cluster.dispose();
});

test('kadabra status shows each shard of a cluster channel: its master, lag, pending and the oldest pending age', { timeout: 60_000 }, async () => {
  // A stream key whose 3 shards are served by 3 different masters, so that each shown node is told apart.
  let stream_key = uniqueStreamKey('status');
  let masters: string[] = [];
  for (let tries = 0; new Set(masters).size < 3; tries += 1) {
    assert.ok(tries < 100, 'a stream key whose shards land on 3 masters');
    stream_key = uniqueStreamKey('status');
    masters = await Promise.all(streamShardKeys(stream_key, 3).map(async (key) => `127.0.0.1:${(await cluster.masterOf(key)).port}`));
  }
  const args = { cluster_nodes: cluster.startupNodes.map(({ host, port }) => `${host}:${port}`), shards: 3, stream_key };
  const keys = streamShardKeys(stream_key, 3);
  // The shard count recorded as a client or agent records it.
  const channel = new RedisStreamsChannel(args, createLogger({ level: 'silent' }));
  await channel.prepare();
  await channel.close();

  const client = new Cluster([...cluster.startupNodes]);
  client.on('error', () => undefined);
  let readFrom = 0;
  let readUntil = 0;
  try {
    for (const [shard, key] of keys.entries()) {
      // The group as an agent creates it: reading from the stream's start.
      await client.xgroup('CREATE', key, 'kadabra', '0', 'MKSTREAM');
      for (let i = 0; i < (APPENDED[shard] ?? 0); i += 1) await client.xadd(key, '*', 'm', wireMessage(`shard${shard}-${i}`));
    }
    readFrom = Date.now();
    for (const [shard, key] of keys.entries()) {
      const count = READ[shard] ?? 0;
      if (count > 0) await client.xreadgroup('GROUP', 'kadabra', 'status-test', 'COUNT', count, 'STREAMS', key, '>');
    }
    readUntil = Date.now();
  } finally {
    client.disconnect();
  }
  await new Promise((resolve) => setTimeout(resolve, PENDING_MS));

  const config = writeConfig({ AGENT_CHANNEL_TYPE: 'redis-streams', AGENT_CHANNEL_ARGS: args });
  const askedFrom = Date.now();
  const json = runKadabra(['status', '--json', '--config', config]);
  const text = runKadabra(['status', '--config', config]);
  const askedUntil = Date.now();
  assert.equal(json.code, 0, json.stderr);
  assert.equal(text.code, 0, text.stderr);

  const report = JSON.parse(json.stdout) as StatusReport;
  const lag = APPENDED.map((appended, shard) => appended - (READ[shard] ?? 0));
  assert.equal(report.queued, lag.reduce((sum, n) => sum + n, 0));
  assert.equal(report.inProgress, READ.reduce<number>((sum, n) => sum + n, 0));
  assert.deepEqual(
    report.shards?.map(({ stream, node, queued, inProgress }) => ({ stream, node, queued, inProgress })),
    keys.map((stream, shard) => ({ stream, node: masters[shard], queued: lag[shard], inProgress: READ[shard] })),
  );
  // Ages by the server's clock (this machine's): at least the time between the reads and the first status, at most that to the last.
  for (const [shard, { oldestInProgressAgeSeconds: age }] of (report.shards ?? []).entries()) {
    if (READ[shard] === 0) {
      assert.equal(age, null, `shard ${shard}: nothing pending, no age`);
      continue;
    }
    assert.ok(age !== null && age >= (askedFrom - readUntil) / 1000 - 0.01 && age <= (askedUntil - readFrom) / 1000 + 0.01,
      `shard ${shard}: oldest pending for ${age} s, between ${(askedFrom - readUntil) / 1000} and ${(askedUntil - readFrom) / 1000}`);
  }

  assert.match(text.stdout, /^shards: +3$/m);
  for (const [shard, stream] of keys.entries()) {
    const line = text.stdout.split('\n').find((candidate) => candidate.trim().startsWith(`${stream} on `));
    assert.ok(line, `a line for ${stream} in:\n${text.stdout}`);
    const pendingAge = READ[shard] === 0 ? '$' : ' \\(oldest for \\d+\\.\\d s\\)$';
    assert.match(line, new RegExp(`^ +${stream.replace(/[{}]/g, '\\$&')} on ${masters[shard]}: queued ${lag[shard]}, in progress ${READ[shard]}${pendingAge}`));
  }
});
