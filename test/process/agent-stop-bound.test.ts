import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentProcess } from '../support/agent-process.js';
import { waitFor } from '../support/wait-for.js';
import { FAST_AGENT, namesInList, sharedRedis } from './agent-rig.js';
import { counts, EXIT_BOUND_MS, startAgent, startHungServer, terminateWithin, wireMessage } from './agent-bounds-support.js';

describe('kadabra agent process: SIGTERM bounded whatever Redis or the database does', () => {
  const shared = sharedRedis();

  for (const type of ['default', 'batched'] as const) {
    for (const redisStopped of [false, true]) {
      const what = redisStopped ? 'with InfluxDB hung and redis-server SIGSTOPped' : 'with InfluxDB hung';
      it(`${type}: ${what}, SIGTERM ends the agent within 5 s; what it held stays in progress and a fresh agent publishes it once`, async (t) => {
        const args = shared.channelArgs('hung');
        const hung = await startHungServer();
        const names = Array.from({ length: 12 }, (_, i) => `h${i}`);
        for (const name of names) await shared.redis.lpush(args.queue_key, wireMessage(name));
        const agent = startAgent({
          ...FAST_AGENT,
          AGENT_TYPE: type,
          AGENT_CHANNEL_ARGS: args,
          AGENT_PUBLISHER_TYPE: 'influxdb',
          AGENT_PUBLISHER_ARGS: { host: '127.0.0.1', port: hung.port, timeout: 60 },
        });
        let fresh: AgentProcess | undefined;
        try {
          await waitFor(async () => (await shared.redis.llen(args.inprogress_key)) > 0, 'messages held', 15_000, () => agent.describe());
          await new Promise((done) => setTimeout(done, 300));
          const held = await namesInList(shared.redis, args.inprogress_key);
          if (redisStopped) {
            shared.server.pause();
            // Let the agent's next commands go out and hang.
            await new Promise((done) => setTimeout(done, 300));
          }
          const { code } = await terminateWithin(agent, EXIT_BOUND_MS, (message) => t.diagnostic(message));
          shared.server.resume();
          assert.equal(code, 0, agent.describe());

          const inProgress = await namesInList(shared.redis, args.inprogress_key);
          const queued = await namesInList(shared.redis, args.queue_key);
          for (const name of held) assert.ok(inProgress.includes(name), `${name}, held, is still in progress`);
          assert.deepEqual([...inProgress, ...queued].sort(), [...names].sort(), 'nothing lost, nothing completed unpublished');

          fresh = startAgent({ ...FAST_AGENT, AGENT_TYPE: type, AGENT_CHANNEL_ARGS: args });
          const current = fresh;
          await waitFor(
            async () => names.every((name) => current.publishedNames().includes(name)) && (await shared.redis.llen(args.inprogress_key)) === 0,
            'the fresh agent published everything', 20_000, () => current.describe(),
          );
          for (const [name, count] of counts(current.publishedNames())) assert.equal(count, 1, `${name} published once`);
        } finally {
          shared.server.resume();
          await agent.dispose();
          await fresh?.dispose();
          await hung.close();
        }
      });
    }

    it(`${type}: with redis-server SIGSTOPped while the agent waits for messages, SIGTERM ends it within 5 s`, async (t) => {
      const args = shared.channelArgs('stopped');
      const agent = startAgent({ ...FAST_AGENT, AGENT_TYPE: type, AGENT_CHANNEL_ARGS: args });
      try {
        await agent.waitUntilStarted();
        await new Promise((done) => setTimeout(done, 300));
        shared.server.pause();
        await new Promise((done) => setTimeout(done, 500));
        const { code } = await terminateWithin(agent, EXIT_BOUND_MS, (message) => t.diagnostic(message));
        assert.equal(code, 0, agent.describe());
      } finally {
        shared.server.resume();
        await agent.dispose();
      }
    });
  }
});
