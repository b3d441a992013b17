// `kadabra dead-letters` (the CLI process) on a 3-shard Redis Streams channel over a real
// Redis Cluster (3 masters with a replica each): dead letters of several shards listed
// together, requeued by reason, each exactly once, to be received again and completed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RedisStreamsChannel } from '../../../src/channels/redis-streams/redis-streams-channel.js';
import type { ReceivedMessage } from '../../../src/channels/channel.js';
import { Kadabra } from '../../../src/client/kadabra.js';
import { createLogger } from '../../../src/logging/logger.js';
import { runKadabra, writeConfig } from '../../support/agent-process.js';
import { startRedisCluster, type RedisClusterHandle } from '../../support/redis-cluster.js';
import { uniqueStreamKey } from '../../support/redis-server.js';

const silent = createLogger({ level: 'silent' });
const SHARDS = 3;
/** Messages sent, in batches of `BATCH` (each batch to the next shard). */
const MESSAGES = 12;
const BATCH = 2;
const REASON = 'refused by the test: series limit';

let cluster: RedisClusterHandle;
before(async () => {
  cluster = await startRedisCluster();
});
after(async () => {
  await cluster.dispose();
});

/** The value of a received message's only counter (each message's own number). */
function valueOf(message: ReceivedMessage): number {
  return Number(message.metrics.counters[0]?.value);
}

/** Receives until `count` messages came or nothing more does. */
async function receiveAll(channel: RedisStreamsChannel, count: number): Promise<ReceivedMessage[]> {
  const received: ReceivedMessage[] = [];
  for (let round = 0; round < 50 && received.length < count; round += 1) {
    const batch = await channel.receiveBatch(count - received.length);
    if (batch.length === 0) {
      const one = await channel.receive({ timeoutSeconds: 0.2 });
      if (one) received.push(one);
    } else {
      received.push(...batch);
    }
  }
  return received;
}

test('kadabra dead-letters lists the dead letters of every shard and requeues them by reason, each once', { timeout: 90_000 }, async () => {
  const stream_key = uniqueStreamKey('dead-letters');
  const args = { cluster_nodes: cluster.startupNodes.map(({ host, port }) => `${host}:${port}`), shards: SHARDS, stream_key };
  const app = new Kadabra({ CLIENT_CHANNEL_TYPE: 'redis-streams', CLIENT_CHANNEL_ARGS: args, CLIENT_FLUSH_TIMEOUT_SECONDS: 20 }, { logger: silent });
  for (let i = 1; i <= MESSAGES; i += 1) {
    const metrics = app.metrics();
    metrics.addCount('deadLetterTest', i);
    app.send(metrics.close());
    if (i % BATCH === 0) await app.flush();
  }
  const stats = await app.close();
  assert.equal(stats.delivered, MESSAGES, `delivered (last error: ${String(stats.lastError)})`);

  const channel = new RedisStreamsChannel(args, silent);
  try {
    const received = await receiveAll(channel, MESSAGES);
    assert.equal(received.length, MESSAGES);
    // The odd numbers are refused: they come from every shard (batches of 2 go round the shards).
    const refused = received.filter((message) => valueOf(message) % 2 === 1);
    const shardsHit = new Set(refused.map((message) => message.receipt.shard));
    assert.equal(shardsHit.size, SHARDS, 'dead letters on every shard');
    for (const message of refused) await channel.deadLetter(message.receipt, REASON);
    await channel.complete(received.filter((message) => valueOf(message) % 2 === 0).map((message) => message.receipt));

    const config = writeConfig({ AGENT_CHANNEL_TYPE: 'redis-streams', AGENT_CHANNEL_ARGS: args });
    const list = runKadabra(['dead-letters', 'list', '--json', '--limit', '100', '--config', config]);
    assert.equal(list.code, 0, list.stderr);
    const listed = JSON.parse(list.stdout) as { reason: string; message?: { counters?: { value: number }[] } }[];
    assert.equal(listed.length, refused.length, list.stdout);
    assert.ok(listed.every((letter) => letter.reason === REASON), list.stdout);

    const text = runKadabra(['dead-letters', 'list', '--config', config]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(REASON));

    const other = runKadabra(['dead-letters', 'requeue', '--reason', 'no such reason', '--config', config]);
    assert.equal(other.code, 0, other.stderr);
    assert.equal((await channel.status()).deadLetters, refused.length, 'a reason that matches nothing requeues nothing');

    const requeue = runKadabra(['dead-letters', 'requeue', '--reason', 'series limit', '--config', config]);
    assert.equal(requeue.code, 0, requeue.stderr);
    assert.match(requeue.stdout, new RegExp(`\\b${refused.length}\\b`), requeue.stdout);

    const again = await receiveAll(channel, refused.length + 1);
    assert.deepEqual(
      again.map(valueOf).sort((a, b) => a - b),
      refused.map(valueOf).sort((a, b) => a - b),
      'each requeued message received once more, and nothing else',
    );
    await channel.complete(again.map((message) => message.receipt));
    const status = await channel.status();
    assert.deepEqual([status.queued, status.inProgress, status.deadLetters], [0, 0, 0]);
  } finally {
    await channel.close();
  }
});
