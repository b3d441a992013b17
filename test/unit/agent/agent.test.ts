import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Agent } from '../../../src/agent/agent.js';
import { Kadabra } from '../../../src/client/kadabra.js';
import { ConfigurationError } from '../../../src/errors/configuration-error.js';
import { Units } from '../../../src/metrics/unit.js';
import { MemoryChannel } from '../../support/memory-channel.js';
import { captureLogger, counterMessage, silentLogger, waitFor } from './helpers.js';
import { FakePublisher } from './fake-publisher.js';

const FAST = {
  AGENT_NANNY_FREQUENCY_SECONDS: 0.05,
  AGENT_NANNY_THRESHOLD_SECONDS: 0.2,
  BATCHED_AGENT_INTERVAL_SECONDS: 0.05,
};

describe('Agent', () => {
  for (const type of ['default', 'batched'] as const) {
    it(`${type} agent publishes every queued message, then stops and resolves start()`, async () => {
      const channel = new MemoryChannel();
      const publisher = new FakePublisher();
      for (let i = 0; i < 20; i += 1) await channel.send(counterMessage(`m${i}`));
      const agent = new Agent({ ...FAST, AGENT_TYPE: type }, { channel, publisher, logger: silentLogger(), env: {} });
      const running = agent.start();
      await waitFor(() => publisher.published.length === 20 && channel.inProgressCount === 0, 'all published');
      await agent.stop();
      await running;
      assert.equal(channel.closed, false, 'a channel passed in is not closed by the agent');
      assert.equal(publisher.closed, false);
    });
  }

  it('the default agent type can be constructed from an empty configuration (the original passed receiver_threads where num_threads was expected)', () => {
    const agent = new Agent(undefined, { channel: new MemoryChannel(), logger: silentLogger(), env: {} });
    assert.equal(agent.configuration.AGENT_TYPE, 'default');
    assert.equal(agent.configuration.AGENT_RECEIVER_THREADS, 3);
  });

  it('stop() is idempotent, bound (usable as a signal handler) and safe before start()', async () => {
    const agent = new Agent(FAST, { channel: new MemoryChannel(), publisher: new FakePublisher(), logger: silentLogger(), env: {} });
    const { stop } = agent;
    const first = stop('SIGTERM');
    assert.equal(agent.stop(), first);
    await first;
    await agent.start();
  });

  it('stops promptly while its receivers block on the channel', async () => {
    const agent = new Agent(FAST, { channel: new MemoryChannel(), publisher: new FakePublisher(), logger: silentLogger(), env: {} });
    const running = agent.start();
    await new Promise((resolve) => setTimeout(resolve, 30));
    const started = Date.now();
    await agent.stop();
    await running;
    assert.ok(Date.now() - started < 500, `stopped in ${Date.now() - started} ms`);
  });

  for (const type of ['default', 'batched'] as const) {
    it(`${type}: stop() resolves, and start() with it, while a publish never answers; the held message stays in progress`, { timeout: 20_000 }, async () => {
      const channel = new MemoryChannel();
      await channel.send(counterMessage('held'));
      // A database that accepts the request and never answers.
      const publisher = new FakePublisher(() => new Promise(() => undefined));
      const agent = new Agent({ ...FAST, AGENT_TYPE: type }, { channel, publisher, logger: silentLogger(), env: {} });
      const running = agent.start();
      await waitFor(() => publisher.calls === 1, 'the publish is under way');
      await agent.stop();
      await running;
      assert.equal(channel.inProgressCount, 1, 'the held message is left in progress for the next agent');
      assert.equal(publisher.published.length, 0);
    });
  }

  it('nanny republishes a message left in progress by a crashed agent', async () => {
    const channel = new MemoryChannel();
    channel.putInProgress(counterMessage('stuck'), Date.now() - 10_000);
    const publisher = new FakePublisher();
    const agent = new Agent(FAST, { channel, publisher, logger: silentLogger(), env: {} });
    const running = agent.start();
    await waitFor(() => channel.inProgressCount === 0, 'stuck message republished');
    await agent.stop();
    await running;
    assert.equal(publisher.published[0]?.counters[0]?.name, 'stuck');
  });

  it('fails at construction on a bad configuration, naming the key', () => {
    assert.throws(
      () => new Agent({ AGENT_RECEIVER_THREADS: 0 }, { channel: new MemoryChannel(), logger: silentLogger(), env: {} }),
      (error: unknown) => error instanceof ConfigurationError && /AGENT_RECEIVER_THREADS/.test(error.message),
    );
  });

  it('reads KADABRA_<KEY> overrides from the environment it is given', () => {
    const agent = new Agent({}, { channel: new MemoryChannel(), logger: silentLogger(), env: { KADABRA_AGENT_TYPE: 'batched' } });
    assert.equal(agent.configuration.AGENT_TYPE, 'batched');
  });

  it('Getting Started: the client\'s metrics appear as JSON on the kadabra.publisher logger', async () => {
    const channel = new MemoryChannel();
    const { logger, lines } = captureLogger('info');
    const agent = new Agent(FAST, { channel, logger, env: {} });
    const running = agent.start();

    const client = new Kadabra({}, { channel, logger: silentLogger() });
    const metrics = client.metrics();
    metrics.addCount('myCount', 1.0);
    metrics.addCount('myOtherCount', 1.0);
    metrics.addCount('myOtherCount', 1.0);
    metrics.setTimer('myTimer', 30_000, Units.MILLISECONDS);
    client.send(metrics.close());
    await client.flush();

    await waitFor(() => lines.some((line) => line.name === 'kadabra.publisher'), 'the metrics logged');
    await agent.stop();
    await running;
    const published = lines.find((line) => line.name === 'kadabra.publisher');
    assert.equal(published?.level, 30, 'INFO');
    const wire = published?.['metrics'] as { counters: { name: string; value: number }[]; timers: { name: string; value: number }[] };
    assert.deepEqual(wire.counters.map((c) => [c.name, c.value]), [['myCount', 1], ['myOtherCount', 2]]);
    assert.deepEqual(wire.timers.map((t) => [t.name, t.value]), [['myTimer', 30_000]]);
    assert.ok(lines.some((line) => line.name === 'kadabra.agent' && line.msg === 'agent started'));
  });
});
