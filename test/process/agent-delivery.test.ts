import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentProcess } from '../support/agent-process.js';
import { waitFor } from '../support/wait-for.js';
import { FAST_AGENT, namesInList, redisClient, sendMessages, sharedRedis } from './agent-rig.js';

describe('kadabra agent process: delivery', () => {
  const shared = sharedRedis();

  for (const type of ['default', 'batched'] as const) {
    it(`${type}: every message the client sends appears in the debug output once, then SIGTERM exits 0`, async () => {
      const args = shared.channelArgs('delivery');
      const agent = AgentProcess.start({ ...FAST_AGENT, AGENT_TYPE: type, AGENT_CHANNEL_ARGS: args });
      try {
        await agent.waitUntilStarted();
        const sent = await sendMessages(args, 300);
        await waitFor(() => agent.publishedNames().length >= 300, 'all published', 15_000, () => agent.describe());
        const redis = redisClient(shared.server.port);
        await waitFor(async () => (await redis.llen(args.inprogress_key)) === 0, 'in-progress drained');
        assert.equal(await redis.llen(args.queue_key), 0);
        await redis.quit();
        const published = agent.publishedNames();
        assert.deepEqual([...published].sort(), [...sent].sort(), 'each message published exactly once');
        const stopping = Date.now();
        agent.kill('SIGTERM');
        const { code } = await agent.exited;
        assert.equal(code, 0, agent.describe());
        assert.ok(Date.now() - stopping < 3000, `exited in ${Date.now() - stopping} ms`);
      } finally {
        await agent.dispose();
      }
    });
  }

  it('logs the debug output as JSON at INFO on kadabra.publisher, and the agent\'s own lines on kadabra.agent', async () => {
    const args = shared.channelArgs('delivery');
    const agent = AgentProcess.start({ ...FAST_AGENT, AGENT_CHANNEL_ARGS: args });
    try {
      await agent.waitUntilStarted();
      await sendMessages(args, 1, 'single');
      await agent.waitForLine((line) => line.name === 'kadabra.publisher', 'debug output');
      const line = agent.lines.find((l) => l.name === 'kadabra.publisher');
      assert.equal(line?.level, 30);
      const metrics = line?.['metrics'] as Record<string, unknown>;
      assert.deepEqual(Object.keys(metrics), ['dimensions', 'counters', 'timers', 'timestamp_format', 'serialized_at']);
      assert.ok(agent.lines.some((l) => l.name === 'kadabra.agent'));
      await agent.stopCleanly('SIGINT');
    } finally {
      await agent.dispose();
    }
  });

  it('a backlog older than the nanny threshold is published once per message (the original, judging by serialized_at, published it twice)', async () => {
    for (const type of ['default', 'batched'] as const) {
      const args = shared.channelArgs('delivery');
      const sent = await sendMessages(args, 200, `backlog-${type}-`);
      await new Promise((resolve) => setTimeout(resolve, 600));
      const agent = AgentProcess.start({ ...FAST_AGENT, AGENT_TYPE: type, AGENT_CHANNEL_ARGS: args });
      try {
        await waitFor(() => agent.publishedNames().length >= 200, 'backlog published', 15_000, () => agent.describe());
        // Give the nanny several runs in which it could (wrongly) publish again.
        await new Promise((resolve) => setTimeout(resolve, 1200));
        const published = agent.publishedNames();
        assert.equal(published.length, 200, `${type}: published ${published.length} times for 200 messages`);
        assert.deepEqual([...published].sort(), [...sent].sort());
        const redis = redisClient(shared.server.port);
        assert.deepEqual(await namesInList(redis, args.inprogress_key), []);
        await redis.quit();
        await agent.stopCleanly();
      } finally {
        await agent.dispose();
      }
    }
  });
});
