// The sharded Redis Streams channel on a real redis-server: the shard key rule, batches
// spread over the shards and read from all of them, the shard count recorded on first use
// and a process with another count refused (agent included), totals summed over shards,
// a batch sent again after an unconfirmed append appended once only.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Agent } from '../../../src/agent/agent.js';
import { publishAndSettle } from '../../../src/agent/publish-and-settle.js';
import { shardCountKey, streamShardKeys } from '../../../src/channels/redis-streams/stream-shard-keys.js';
import { ConfigurationError } from '../../../src/errors/configuration-error.js';
import { InvalidArgumentError } from '../../../src/errors/invalid-argument-error.js';
import { nameOf, receiptsOf, wireMessage } from '../../conformance/conformance-support.js';
import { uniqueStreamKey } from '../../support/redis-server.js';
import { PrometheusPublisher } from '../../../src/publishers/prometheus/prometheus-publisher.js';
import { FakePublisher } from '../../unit/agent/fake-publisher.js';
import { silentLogger } from '../../unit/agent/helpers.js';
import { streamsFixture } from './redis-streams-fixture.js';

/** A ConfigurationError on `shards` naming both counts. */
function refusedWith(recorded: number, configured: number): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof ConfigurationError, `a ConfigurationError, not ${String(error)}`);
    assert.equal(error.key, 'CHANNEL_ARGS.shards');
    assert.match(error.message, new RegExp(`has ${recorded} shards?.*configured with shards: ${configured}: set shards to ${recorded}`));
    return true;
  };
}

test('the shard key rule: one shard is the stream key itself; N shards add :i inside its hash tag', () => {
  assert.deepEqual(streamShardKeys('{kadabra}:stream', 1), ['{kadabra}:stream']);
  assert.deepEqual(streamShardKeys('{kadabra}:stream', 3), ['{kadabra:0}:stream', '{kadabra:1}:stream', '{kadabra:2}:stream']);
  assert.deepEqual(streamShardKeys('app:{m}x{y}', 2), ['app:{m:0}x{y}', 'app:{m:1}x{y}']);
  assert.equal(shardCountKey('{kadabra}:stream'), '{kadabra}:stream:shards');
});

describe('RedisStreamsChannel with shards on a real redis-server', () => {
  const streams = streamsFixture();
  const { open } = streams;

  test('batches go to the shards in turn, each whole to one; a reader takes them from every shard', async () => {
    const stream_key = uniqueStreamKey('spread');
    const producer = open({ stream_key, shards: 3 });
    for (let batch = 0; batch < 6; batch += 1) await producer.sendEncoded([wireMessage(`s${batch}a`), wireMessage(`s${batch}b`)]);
    const lengths = await Promise.all(streamShardKeys(stream_key, 3).map((key) => streams.redis.xlen(key)));
    assert.deepEqual(lengths, [4, 4, 4], 'two batches of two on each shard');
    const reader = open({ stream_key, shards: 3 });
    const names: string[] = [];
    for (let message = await reader.receive({ timeoutSeconds: 1 }); message; message = await reader.receive({ timeoutSeconds: 0.2 })) {
      names.push(nameOf(message) ?? '');
      const [next] = await reader.receiveBatch(1);
      if (next) names.push(nameOf(next) ?? '');
    }
    assert.deepEqual(names.sort(), Array.from({ length: 6 }, (_, i) => [`s${i}a`, `s${i}b`]).flat().sort());
    const status = await reader.status();
    assert.equal(status.inProgress, 12);
    assert.deepEqual(status.shards?.map((shard) => [shard.stream, shard.inProgress, shard.queued]), streamShardKeys(stream_key, 3).map((key) => [key, 4, 0]));
    assert.ok(status.shards?.every((shard) => shard.node === `redis://127.0.0.1:${streams.server.port}/0` && shard.oldestInProgressMs !== undefined));
  });

  test('the shard count is recorded on first use; a channel with another count refuses, naming both', async () => {
    const stream_key = uniqueStreamKey('count');
    await open({ stream_key, shards: 3 }).sendEncoded([wireMessage('first')]);
    assert.equal(await streams.redis.get(shardCountKey(stream_key)), '3');
    const other = open({ stream_key, shards: 2 });
    await assert.rejects(other.sendEncoded([wireMessage('never')]), refusedWith(3, 2));
    await assert.rejects(other.receiveBatch(10), refusedWith(3, 2));
    await assert.rejects(other.prepare(), refusedWith(3, 2));
    await assert.rejects(other.status(), refusedWith(3, 2));
    await assert.rejects(open({ stream_key }).sendEncoded([wireMessage('never')]), refusedWith(3, 1));
    const lengths = await Promise.all([stream_key, ...streamShardKeys(stream_key, 3)].map((key) => streams.redis.xlen(key)));
    assert.equal(lengths.reduce((sum, length) => sum + length, 0), 1, 'nothing was written by the refused ones');
  });

  test('a stream written before the count was recorded counts as one shard: more are refused', async () => {
    const stream_key = uniqueStreamKey('before');
    await streams.redis.xadd(stream_key, '*', 'm', wireMessage('old'));
    await assert.rejects(open({ stream_key, shards: 4 }).prepare(), refusedWith(1, 4));
    await open({ stream_key }).prepare();
    assert.equal(await streams.redis.get(shardCountKey(stream_key)), '1');
  });

  test('an agent configured with another shard count refuses to start, naming both', async () => {
    const stream_key = uniqueStreamKey('agent');
    await open({ stream_key, shards: 2 }).prepare();
    const agent = new Agent(
      {
        AGENT_LOG_LEVEL: 'silent',
        AGENT_CHANNEL_TYPE: 'redis-streams',
        AGENT_CHANNEL_ARGS: { host: '127.0.0.1', port: streams.server.port, stream_key, shards: 3 },
      },
      { publisher: new FakePublisher(), env: {} },
    );
    await assert.rejects(agent.start(), refusedWith(2, 3));
  });

  test('publisher totals are kept per shard and read summed; a state change completes the receipts of one shard only', async () => {
    const stream_key = uniqueStreamKey('totals');
    const channel = open({ stream_key, shards: 2 });
    await channel.sendEncoded([wireMessage('t0'), wireMessage('t1')]);
    await channel.sendEncoded([wireMessage('t2')]);
    const first = await channel.receiveBatch(10);
    const second = await channel.receiveBatch(10);
    assert.equal(first.length + second.length, 3);
    assert.notEqual(first[0]?.receipt.shard, second[0]?.receipt.shard, 'a batch is of one shard');
    const adding = (n: bigint) => ({ stateChange: { namespace: 'prometheus', add: new Map([['messages', n]]) } });
    await assert.rejects(
      channel.complete([...receiptsOf(first), ...receiptsOf(second)], adding(3n)),
      (error: unknown) => error instanceof InvalidArgumentError && /takes the receipts of one shard/.test(error.message),
    );
    assert.equal((await channel.status()).inProgress, 3, 'nothing was completed');
    await channel.complete(receiptsOf(first), adding(BigInt(first.length)));
    await channel.complete(receiptsOf(second), adding(BigInt(second.length)));
    assert.deepEqual(await open({ stream_key, shards: 2 }).readState('prometheus'), new Map([['messages', 3n]]));
    for (const key of streamShardKeys(stream_key, 2)) assert.equal(await streams.redis.exists(`${key}:state:prometheus`), 1, `${key} keeps its own`);
    // Without a change, receipts of several shards complete together.
    await channel.sendEncoded([wireMessage('u0')]);
    await channel.sendEncoded([wireMessage('u1')]);
    const both = [...(await channel.receiveBatch(10)), ...(await channel.receiveBatch(10))];
    assert.equal(new Set(both.map((m) => m.receipt.shard)).size, 2);
    await channel.complete(receiptsOf(both));
    assert.equal((await channel.status()).inProgress, 0);
  });

  test('a batch spanning shards is published and completed shard by shard, each shard counting its own messages once', async () => {
    const stream_key = uniqueStreamKey('span');
    const channel = open({ stream_key, shards: 2 });
    await channel.sendEncoded([wireMessage('x0', 2), wireMessage('x1', 3)]);
    await channel.sendEncoded([wireMessage('x2', 4)]);
    const batch = [...(await channel.receiveBatch(10)), ...(await channel.receiveBatch(10))];
    assert.equal(new Set(batch.map((m) => m.receipt.shard)).size, 2, 'the batch spans both shards');
    const publisher = new PrometheusPublisher({ args: {}, logger: silentLogger() });
    publisher.useChannelState(
      (namespace, select) => channel.readState(namespace, select),
      (namespace) => channel.readLatest(namespace),
    );
    assert.deepEqual(await publishAndSettle(channel, publisher, batch, silentLogger()), { status: 'published', completed: 3, deadLettered: 0, held: 0 });
    assert.equal((await channel.status()).inProgress, 0);
    const wholes = async (): Promise<(bigint | undefined)[]> => {
      const totals = await channel.readState('prometheus', { prefix: 'v' });
      return ['x0', 'x1', 'x2'].map((name) => totals.get(`vw|["c","${name}",[["suite","conformance"]],""]`));
    };
    assert.deepEqual(await wholes(), [2n, 3n, 4n]);
    // Published again (a retry after a later shard failed): nothing is counted twice.
    await publishAndSettle(channel, publisher, batch, silentLogger());
    assert.deepEqual(await wholes(), [2n, 3n, 4n]);
  });

  test('a batch whose append was not confirmed is sent again first, appended once; the messages passed again are not repeated', async () => {
    const stream_key = uniqueStreamKey('resend');
    const channel = open({ stream_key, wait_replicas: 1, wait_timeout_ms: 50 });
    const batch = [wireMessage('r0'), wireMessage('r1')];
    // No replica: WAIT confirms none, so the batch is appended but not counted as delivered.
    await assert.rejects(channel.sendEncoded(batch), /reached 0 of the 1 replicas wait_replicas asks for/);
    await assert.rejects(channel.sendEncoded([...batch, wireMessage('r2')]), /reached 0 of the 1 replicas/);
    assert.deepEqual((await streams.redis.xrange(stream_key, '-', '+')).map(([, fields]) => fields[1]), batch, 'appended once, r2 not yet: the old batch first');
    const direct = open({ stream_key });
    await direct.sendEncoded([wireMessage('d0')]);
    assert.equal(await streams.redis.xlen(stream_key), 3);
  });
});
