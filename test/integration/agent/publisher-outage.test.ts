import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { Agent } from '../../../src/agent/agent.js';
import { RedisChannel } from '../../../src/channels/redis/redis-channel.js';
import { encodeMetrics } from '../../../src/wire/codec.js';
import { startRedisServer, uniqueKeys, type RedisServerHandle } from '../../support/redis-server.js';
import { FakePublisher, failTransiently, succeed } from '../../unit/agent/fake-publisher.js';
import { counterMessage, silentLogger, waitFor } from '../../unit/agent/helpers.js';

const MESSAGES = 1000;

describe('Agent with a real Redis channel while the publisher is down (the original kept moving the queue into in-progress)', () => {
  let server: RedisServerHandle;
  before(async () => {
    server = await startRedisServer();
  });
  after(async () => {
    await server.dispose();
  });

  const cases = [
    { type: 'default', bound: 3, config: { AGENT_RECEIVER_THREADS: 3 } },
    { type: 'batched', bound: 100, config: { BATCHED_AGENT_MAX_BATCH_SIZE: 100, BATCHED_AGENT_INTERVAL_SECONDS: 0.05 } },
  ] as const;

  for (const { type, bound, config } of cases) {
    it(`${type}: in-progress stays within ${bound} while publishing fails; all ${MESSAGES} are published after recovery`, async () => {
      const keys = uniqueKeys(`outage-${type}`);
      const channel = new RedisChannel({ host: '127.0.0.1', port: server.port, ...keys }, silentLogger());
      const probe = new Redis({ host: '127.0.0.1', port: server.port });
      const names = Array.from({ length: MESSAGES }, (_, i) => `m${i}`);
      await channel.sendEncoded(names.map((name, i) => encodeMetrics(counterMessage(name, i))));

      const publisher = new FakePublisher(failTransiently());
      const agent = new Agent(
        { ...config, AGENT_TYPE: type, AGENT_NANNY_FREQUENCY_SECONDS: 0.2, AGENT_NANNY_THRESHOLD_SECONDS: 0.5 },
        { channel, publisher, logger: silentLogger(), env: {} },
      );
      const running = agent.start();
      try {
        let maxInProgress = 0;
        const outageEnds = Date.now() + 1500;
        while (Date.now() < outageEnds) {
          maxInProgress = Math.max(maxInProgress, await probe.llen(keys.inprogress_key));
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        assert.ok(publisher.calls >= 3, 'the publisher was being retried');
        assert.ok(maxInProgress <= bound, `in-progress reached ${maxInProgress}`);
        assert.ok((await probe.llen(keys.queue_key)) >= MESSAGES - bound, 'the queue was left alone');

        publisher.behaviour = succeed;
        await waitFor(() => new Set(publisher.published.map((m) => m.counters[0]?.name)).size === MESSAGES, 'all published', 30_000);
        assert.equal(await probe.llen(keys.queue_key), 0);
        let inProgress = -1;
        for (let i = 0; i < 200 && inProgress !== 0; i += 1) {
          inProgress = await probe.llen(keys.inprogress_key);
          if (inProgress !== 0) await new Promise((resolve) => setTimeout(resolve, 20));
        }
        assert.equal(inProgress, 0);
        assert.ok(publisher.published.length <= MESSAGES + bound, `published ${publisher.published.length} times`);
      } finally {
        await agent.stop();
        await running;
        await channel.close();
        await probe.quit();
      }
    });
  }
});
