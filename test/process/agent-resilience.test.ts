import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileFixture } from '../support/file-fixture.js';
import { startRedisServer, uniqueKeys } from '../support/redis-server.js';
import { AgentProcess, CLI, runKadabra, writeConfig } from '../support/agent-process.js';
import { waitFor } from '../support/wait-for.js';
import { FAST_AGENT, sendMessages } from './agent-rig.js';

const PASSWORD = 'sekret-pass-7c1e';

describe('kadabra agent process: Redis outages, credentials, CLI send and status', () => {
  const server = fileFixture(() => startRedisServer({ password: PASSWORD }), (started) => started.dispose());

  const args = () => ({ host: '127.0.0.1', port: server().port, password: PASSWORD, connect_timeout: 1, ...uniqueKeys('outage') });

  it('keeps running while Redis is unreachable, logs without credentials, and publishes once it is back', async () => {
    const channelArgs = args();
    await server().stop();
    const agent = AgentProcess.start({ ...FAST_AGENT, AGENT_CHANNEL_ARGS: channelArgs });
    try {
      await waitFor(() => /retrying|reconnecting/.test(agent.stdout), 'a warning about the channel', 15_000, () => agent.describe());
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.equal(await Promise.race([agent.exited.then(() => 'exited'), Promise.resolve('running')]), 'running');

      await server().restart();
      const sent = await sendMessages(channelArgs, 20, 'after-outage');
      await waitFor(() => agent.publishedNames().length >= 20, 'published after recovery', 20_000, () => agent.describe());
      assert.deepEqual(new Set(agent.publishedNames()), new Set(sent));
      await agent.stopCleanly();
      assert.ok(!agent.stdout.includes(PASSWORD) && !agent.stderr.includes(PASSWORD), 'the password never reaches the log');
    } finally {
      await agent.dispose();
      await server().restart().catch(() => undefined);
    }
  });

  it('kadabra send records a counter and a timer with dimensions and metadata; status shows the queue', async () => {
    const channelArgs = args();
    const config = writeConfig({ CLIENT_CHANNEL_ARGS: channelArgs, AGENT_CHANNEL_ARGS: channelArgs, ...FAST_AGENT });
    const count = runKadabra(['send', 'count', 'signups', '3', '--dimension', 'env=prod', '--dimension', 'region=eu', '--metadata', 'source=cron', '--config', config]);
    assert.equal(count.code, 0, count.stderr);
    const timer = runKadabra(['send', 'timer', 'render', '1500', '--unit', 'seconds', '--config', config]);
    assert.equal(timer.code, 0, timer.stderr);

    const status = runKadabra(['status', '--config', config]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /queued: +2/);
    assert.ok(!status.stdout.includes(PASSWORD));

    const agent = new AgentProcess([CLI, 'agent', '--config', config]);
    try {
      await waitFor(() => agent.lines.filter((l) => l.name === 'kadabra.publisher').length >= 2, 'both published', 10_000, () => agent.describe());
      const wires = agent.lines.filter((l) => l.name === 'kadabra.publisher').map((l) => l['metrics'] as {
        dimensions: { name: string; value: string }[];
        counters: { name: string; value: number; metadata: Record<string, string> }[];
        timers: { name: string; value: number; unit: { name: string } }[];
      });
      const counter = wires.find((w) => w.counters.length > 0);
      assert.deepEqual(counter?.dimensions, [{ name: 'env', value: 'prod' }, { name: 'region', value: 'eu' }]);
      assert.equal(counter?.counters[0]?.value, 3);
      assert.deepEqual(counter?.counters[0]?.metadata, { source: 'cron' });
      const timed = wires.find((w) => w.timers.length > 0);
      assert.equal(timed?.timers[0]?.value, 1.5);
      assert.equal(timed?.timers[0]?.unit.name, 'seconds');
      await agent.stopCleanly();
    } finally {
      await agent.dispose();
    }
  });

  it('kadabra send exits 1 when the message cannot be delivered', async () => {
    const config = writeConfig({
      CLIENT_CHANNEL_ARGS: { ...args(), port: 1, connect_timeout: 0.2 },
      CLIENT_FLUSH_TIMEOUT_SECONDS: 0.5,
    });
    const result = runKadabra(['send', 'count', 'signups', '1', '--config', config]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /not delivered/);
  });

  it('kadabra status exits 1 with one clear line when Redis is unreachable', async () => {
    const config = writeConfig({ AGENT_CHANNEL_ARGS: { ...args(), port: 1, connect_timeout: 0.2 } });
    const result = runKadabra(['status', '--config', config]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /kadabra status: cannot use the channel at redis:\/\/127\.0\.0\.1:1/);
    assert.ok(!result.stderr.includes(PASSWORD));
  });
});
