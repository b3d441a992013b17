import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { Agent } from '../../../src/agent/agent.js';
import { Nanny } from '../../../src/agent/nanny.js';
import { PublishGate } from '../../../src/agent/publish-gate.js';
import { createLogger } from '../../../src/logging/logger.js';
import { nameOf, receiptsOf, sleep, wireMessage } from '../../conformance/conformance-support.js';
import { uniqueStreamKey } from '../../support/redis-server.js';
import { waitFor } from '../../support/wait-for.js';
import { FakePublisher } from '../../unit/agent/fake-publisher.js';
import { streamsFixture } from './redis-streams-fixture.js';

const silent = createLogger({ level: 'silent' });

/** Who holds each pending entry: consumer name -> entry count. */
async function holders(redis: Redis, stream: string): Promise<Record<string, number>> {
  const [, , , consumers] = (await redis.xpending(stream, 'kadabra')) as [number, string, string, [string, string][] | null];
  return Object.fromEntries((consumers ?? []).map(([name, count]) => [name, Number(count)]));
}

describe('Redis Streams: the nanny claims, caps deliveries and removes gone consumers', () => {
  const streams = streamsFixture();
  const { open } = streams;

  test('claims only entries idle longer than the threshold, by the server; a second claimer then finds none', async () => {
    const stream_key = uniqueStreamKey('claim');
    const dead = open({ stream_key, consumer: 'dead-agent' });
    await dead.sendEncoded(['c0', 'c1', 'c2'].map((n) => wireMessage(n)));
    await dead.receiveBatch(2);
    // Wide margins: c2 must stay fresh (idle under the threshold) through a loaded machine's stalls.
    await sleep(1500);
    await dead.receiveBatch(1); // c2: fresh
    const [nannyA, nannyB] = [open({ stream_key, consumer: 'nanny-a' }), open({ stream_key, consumer: 'nanny-b' })];
    const options = { thresholdMs: 1000, limit: 100, maxDeliveries: 10 };
    const [claimedA, claimedB] = await Promise.all([nannyA.claimStuck(options), nannyB.claimStuck(options)]);
    const claimed = [...claimedA, ...claimedB];
    assert.deepEqual(claimed.map(nameOf).sort(), ['c0', 'c1'], 'each stuck entry claimed by exactly one nanny');
    assert.ok(claimed.every((item) => item.inProgressMs > 1000 && item.receipt.shard === stream_key));
    const owner = claimedA.length > 0 ? 'nanny-a' : 'nanny-b';
    assert.deepEqual(await holders(streams.redis, stream_key), { 'dead-agent': 1, [owner]: 2 });
    assert.deepEqual(await nannyA.claimStuck(options), [], 'claimed entries are fresh again');
    await nannyA.complete(receiptsOf(claimed));
    assert.deepEqual(await holders(streams.redis, stream_key), { 'dead-agent': 1 });
  });

  test('an entry delivered AGENT_MAX_DELIVERIES times is dead-lettered with its delivery history, not delivered again', async () => {
    const stream_key = uniqueStreamKey('deliveries');
    const first = open({ stream_key, consumer: 'crashing-1' });
    await first.sendEncoded([wireMessage('poison'), wireMessage('fine')]);
    await first.receiveBatch(2); // delivery 1
    const options = { thresholdMs: 50, limit: 10, maxDeliveries: 3 };
    await sleep(100);
    assert.equal((await open({ stream_key, consumer: 'crashing-2' }).claimStuck(options)).length, 2); // delivery 2
    await sleep(100);
    const third = open({ stream_key, consumer: 'crashing-3' });
    const again = await third.claimStuck(options); // delivery 3
    assert.equal(again.length, 2);
    await third.complete(again.filter((m) => nameOf(m) === 'fine').map((m) => m.receipt));
    await sleep(100);
    const last = open({ stream_key, consumer: 'survivor' });
    assert.deepEqual(await last.claimStuck(options), [], 'not delivered a fourth time');
    const [letter] = await last.deadLetters(10);
    assert.ok(letter);
    assert.equal(letter.message, wireMessage('poison'));
    assert.match(letter.reason, /^delivered 3 times without being completed, the most AGENT_MAX_DELIVERIES \(3\) allows; last held by consumer crashing-3, idle \d+ ms$/);
    const status = await last.status();
    assert.equal(status.inProgress, 0);
    assert.equal(await streams.redis.xlen(stream_key), 0, 'acknowledged and deleted from the stream');
  });

  test('consumers that hold nothing and are idle are removed, atomically; one holding entries never is', async () => {
    const stream_key = uniqueStreamKey('prune');
    const holding = open({ stream_key, consumer: 'gone-holding' });
    const empty = open({ stream_key, consumer: 'gone-empty' });
    await holding.sendEncoded([wireMessage('held'), wireMessage('done')]);
    await holding.receiveBatch(1);
    await empty.complete(receiptsOf(await empty.receiveBatch(1))); // it held one, now nothing
    await sleep(150);
    const nanny = open({ stream_key, consumer: 'nanny' });
    assert.deepEqual(await nanny.removeGoneConsumers(100), ['gone-empty']);
    const names = ((await streams.redis.xinfo('CONSUMERS', stream_key, 'kadabra')) as unknown[][]).map((c) => c[1]).sort();
    assert.deepEqual(names, ['gone-holding'], 'the consumer holding an entry stays, with it');
    assert.deepEqual(await holders(streams.redis, stream_key), { 'gone-holding': 1 });
    // Its entry claimed away, it holds nothing: the next nanny pass removes it.
    await sleep(150);
    assert.equal((await nanny.claimStuck({ thresholdMs: 100, limit: 10, maxDeliveries: 10 })).length, 1);
    const after = ((await streams.redis.xinfo('CONSUMERS', stream_key, 'kadabra')) as unknown[][]).map((c) => c[1]);
    assert.deepEqual(after, ['nanny'], 'the claimer holds it now');
  });

  test('a nanny claims nothing while its publisher is failing (the gate is closed): entries stay with their consumer', async () => {
    const stream_key = uniqueStreamKey('gated');
    const dead = open({ stream_key, consumer: 'dead-agent' });
    await dead.sendEncoded([wireMessage('g0')]);
    await dead.receiveBatch(1);
    await sleep(100);
    const gate = new PublishGate();
    gate.close();
    const publisher = new FakePublisher();
    const nanny = new Nanny({
      channel: open({ stream_key, consumer: 'nanny' }), publisher, logger: silent, gate,
      frequencySeconds: 60, thresholdSeconds: 0.05, queryLimit: 10, workers: 1,
    });
    assert.equal((await nanny.runOnce()).examined, 0);
    assert.deepEqual(await holders(streams.redis, stream_key), { 'dead-agent': 1 });
    gate.open();
    const report = await nanny.runOnce();
    assert.equal(report.completed, 1);
    assert.deepEqual(publisher.published.map((m) => m.counters[0]?.name), ['g0']);
    assert.deepEqual(await holders(streams.redis, stream_key), {});
  });

  test('two agents on one stream with a dead one\'s entries to reclaim: every message published once, none twice', async () => {
    const stream_key = uniqueStreamKey('two-agents');
    const producer = open({ stream_key });
    const names = Array.from({ length: 400 }, (_, i) => `m${i}`);
    await producer.sendEncoded(names.slice(0, 50).map((n) => wireMessage(n)));
    // An agent took 50 and died before completing any.
    await open({ stream_key, consumer: 'killed' }).receiveBatch(50);
    const publishers = [new FakePublisher(), new FakePublisher()];
    const agents = publishers.map(
      (publisher) =>
        new Agent(
          {
            AGENT_CHANNEL_TYPE: 'redis-streams',
            AGENT_CHANNEL_ARGS: { host: '127.0.0.1', port: streams.server.port, stream_key },
            AGENT_NANNY_FREQUENCY_SECONDS: 0.1,
            AGENT_NANNY_THRESHOLD_SECONDS: 0.3,
            AGENT_RECEIVER_MAX_BATCH_SIZE: 20,
            AGENT_LOG_LEVEL: 'silent',
          },
          { publisher, env: {} },
        ),
    );
    const running = agents.map((agent) => agent.start());
    for (let i = 50; i < names.length; i += 25) {
      await producer.sendEncoded(names.slice(i, i + 25).map((n) => wireMessage(n)));
      await sleep(5);
    }
    const published = (): string[] => publishers.flatMap((p) => p.published.map((m) => m.counters[0]?.name ?? '?'));
    await waitFor(() => published().length >= names.length, 'every message published', 30_000);
    await Promise.all(agents.map((agent) => agent.stop()));
    await Promise.all(running);
    assert.deepEqual([...published()].sort(), [...names].sort(), 'each message published exactly once');
    assert.ok(publishers.every((p) => p.published.length > 0), 'both agents took part');
    const status = await producer.status();
    assert.equal(status.queued + status.inProgress, 0);
    assert.deepEqual(status.consumers?.map((c) => c.name).includes('killed'), false, 'the dead agent\'s consumer was removed once empty');
  });
});
