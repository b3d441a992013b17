import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Agent } from '../../../src/agent/agent.js';
import { RedisChannel } from '../../../src/channels/redis/redis-channel.js';
import { RedisStreamsChannel } from '../../../src/channels/redis-streams/redis-streams-channel.js';
import { Kadabra } from '../../../src/client/kadabra.js';
import { createLogger } from '../../../src/logging/logger.js';
import { startRedisServer, uniqueKeys, uniqueStreamKey, type RedisServerHandle } from '../../support/redis-server.js';
import { waitFor } from '../../support/wait-for.js';
import { FakePublisher } from '../../unit/agent/fake-publisher.js';

const silent = createLogger({ level: 'silent' });

/** Sends `count` messages numbered from `from` (counter `seq`, dimension `app`), as an app does. */
function sendNumbered(client: Kadabra, app: string, from: number, count: number): void {
  for (let i = from; i < from + count; i += 1) {
    const metrics = client.metrics();
    metrics.setDimension('app', app);
    metrics.addCount('seq', i);
    client.send(metrics.close());
  }
}

describe('moving a running deployment from the list channel to redis-streams', () => {
  let server: RedisServerHandle;

  before(async () => {
    server = await startRedisServer({ appendOnly: true });
  });
  after(async () => {
    await server.dispose();
  });

  test('an agent drains the list while the apps switch to the stream and a streams agent publishes: nothing lost, nothing twice', async () => {
    const listArgs = { host: '127.0.0.1', port: server.port, ...uniqueKeys('migrate') };
    const streamArgs = { host: '127.0.0.1', port: server.port, stream_key: uniqueStreamKey('migrate') };
    const agentConfig = { AGENT_LOG_LEVEL: 'silent', AGENT_RECEIVER_MAX_BATCH_SIZE: 50 };

    // Before: apps send to the list; the list agent is down, so a backlog waits there.
    const oldApp = new Kadabra({ CLIENT_CHANNEL_ARGS: listArgs, CLIENT_LOG_LEVEL: 'silent' });
    sendNumbered(oldApp, 'a', 0, 600);

    // 1. Start the streams agent (a second agent, same publisher settings) and keep the list agent running.
    const publishers = { list: new FakePublisher(), stream: new FakePublisher() };
    const listAgent = new Agent({ ...agentConfig, AGENT_CHANNEL_ARGS: listArgs }, { publisher: publishers.list, env: {} });
    const streamAgent = new Agent(
      { ...agentConfig, AGENT_CHANNEL_TYPE: 'redis-streams', AGENT_CHANNEL_ARGS: streamArgs },
      { publisher: publishers.stream, env: {} },
    );
    const running = [listAgent.start(), streamAgent.start()];

    // 2. Roll the apps over: the old app's close() flushes what it holds to the list; the new one sends to the stream.
    sendNumbered(oldApp, 'a', 600, 200);
    const newApp = new Kadabra({ CLIENT_CHANNEL_TYPE: 'redis-streams', CLIENT_CHANNEL_ARGS: streamArgs, CLIENT_LOG_LEVEL: 'silent' });
    sendNumbered(newApp, 'a', 800, 700);
    const oldStats = await oldApp.close();
    const newStats = await newApp.close();
    assert.equal(oldStats.delivered + newStats.delivered, 1500);

    // 3. The list agent is stopped once the list is empty (what `kadabra status` on its configuration shows).
    const list = new RedisChannel(listArgs, silent);
    const stream = new RedisStreamsChannel(streamArgs, silent);
    try {
      await waitFor(async () => {
        const status = await list.status();
        return status.queued === 0 && status.inProgress === 0;
      }, 'the list drained', 30_000);
      await waitFor(async () => {
        const status = await stream.status();
        return status.queued === 0 && status.inProgress === 0;
      }, 'the stream drained', 30_000);
      await Promise.all([listAgent.stop(), streamAgent.stop()]);
      await Promise.all(running);
      const published = [...publishers.list.published, ...publishers.stream.published].map((m) => m.counters[0]?.value ?? -1);
      assert.deepEqual([...published].sort((x, y) => x - y), Array.from({ length: 1500 }, (_, i) => i), 'each message published exactly once');
      assert.equal(publishers.list.published.length, 800, 'the list agent published what was sent to the list');
      assert.equal(publishers.stream.published.length, 700);
      assert.equal((await list.status()).deadLetters + (await stream.status()).deadLetters, 0);
    } finally {
      await Promise.all([list.close(), stream.close()]);
    }
  });
});
