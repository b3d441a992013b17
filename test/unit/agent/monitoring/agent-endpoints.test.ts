import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { Agent } from '../../../../src/agent/agent.js';
import { Counter } from '../../../../src/metrics/counter.js';
import { Metrics } from '../../../../src/metrics/metrics.js';
import { Timer } from '../../../../src/metrics/timer.js';
import { Units } from '../../../../src/metrics/unit.js';
import { MemoryChannel } from '../../../support/memory-channel.js';
import { FakePublisher, rejectWhere } from '../fake-publisher.js';
import { counterMessage, silentLogger, waitFor } from '../helpers.js';

const TOKEN = 'endpoint-test-token';

/** The value of an unlabelled sample (or one with exactly `labels`), undefined when absent. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function get(port: number, path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  return { status: response.status, body: await response.text() };
}

describe('Agent with AGENT_HTTP_PORT set', () => {
  for (const type of ['default', 'batched'] as const) {
    it(`${type} agent: counts what it received, published, dead-lettered and wrote, and reads the channel at scrape time`, async () => {
      const channel = new MemoryChannel();
      const publisher = new FakePublisher(rejectWhere((metrics) => metrics.counters[0]?.name === 'bad'));
      for (let i = 0; i < 6; i += 1) await channel.send(counterMessage(`m${i}`));
      await channel.send(counterMessage('bad'));
      // Two points in one message: a counter and a timer.
      const T = 1_704_164_645_123_456n;
      await channel.send(new Metrics([], [new Counter('both', T, {}, 1)], [new Timer('t', T, {}, 5, Units.MILLISECONDS)]));
      const agent = new Agent(
        { AGENT_TYPE: type, BATCHED_AGENT_INTERVAL_SECONDS: 0.05, AGENT_HTTP_PORT: 0, AGENT_HTTP_TOKEN: TOKEN },
        { channel, publisher, logger: silentLogger(), env: {} },
      );
      const running = agent.start();
      try {
        await waitFor(() => agent.httpAddress !== undefined, 'listening');
        const port = agent.httpAddress?.port ?? 0;
        await waitFor(() => publisher.published.length === 7 && channel.inProgressCount === 0, 'all settled');
        const { status, body } = await get(port, '/metrics');
        assert.equal(status, 200);
        assert.equal(sample(body, 'kadabra_agent_messages_received_total'), 8);
        assert.equal(sample(body, 'kadabra_agent_messages_published_total'), 7);
        assert.equal(sample(body, 'kadabra_agent_messages_republished_total'), 0);
        assert.equal(sample(body, 'kadabra_agent_points_written_total'), 8);
        assert.equal(sample(body, 'kadabra_agent_messages_dead_lettered_total', '{reason="rejected"}'), 1);
        assert.equal(sample(body, 'kadabra_agent_publish_attempts_total', '{outcome="transient"}'), 0);
        const attempts = sample(body, 'kadabra_agent_publish_attempts_total', '{outcome="published"}') ?? 0;
        assert.ok(attempts >= 1);
        assert.equal(sample(body, 'kadabra_agent_publish_duration_seconds_count'), attempts);
        assert.equal(sample(body, 'kadabra_agent_channel_up'), 1);
        assert.equal(sample(body, 'kadabra_agent_queue_length'), 0);
        assert.equal(sample(body, 'kadabra_agent_in_progress'), 0);
        assert.equal(sample(body, 'kadabra_agent_oldest_in_progress_age_seconds'), undefined, 'absent while nothing is in progress');
        assert.equal(sample(body, 'kadabra_agent_dead_letters'), 1);
        assert.ok((sample(body, 'kadabra_agent_resident_memory_bytes') ?? 0) > 1e6);
        for (const line of body.split('\n')) if (line !== '' && !line.startsWith('#')) assert.match(line, /^kadabra_agent_/);

        channel.failNext('status', new Error('status failed'));
        const failing = await get(port, '/metrics');
        assert.equal(sample(failing.body, 'kadabra_agent_channel_up'), 0);
        assert.equal(sample(failing.body, 'kadabra_agent_queue_length'), undefined, 'absent, not zero');
        assert.equal(sample(failing.body, 'kadabra_agent_messages_received_total'), 8, 'the counters are still there');

        assert.deepEqual(await get(port, '/readyz'), { status: 200, body: 'ready\n' });
        assert.deepEqual(await get(port, '/healthz'), { status: 200, body: 'ok\n' });
      } finally {
        await agent.stop();
        await running;
      }
      assert.equal(agent.httpAddress === undefined, false, 'the address stays readable');
      await assert.rejects(fetch(`http://127.0.0.1:${agent.httpAddress?.port ?? 0}/healthz`), 'closed with the agent');
    });
  }

  it('counts what the nanny republished as published and republished, not received', async () => {
    const channel = new MemoryChannel();
    const publisher = new FakePublisher();
    channel.putInProgress(counterMessage('stuck1'), Date.now() - 60_000);
    channel.putInProgress(counterMessage('stuck2'), Date.now() - 60_000);
    const agent = new Agent(
      { AGENT_NANNY_FREQUENCY_SECONDS: 0.05, AGENT_NANNY_THRESHOLD_SECONDS: 1, AGENT_HTTP_PORT: 0, AGENT_HTTP_TOKEN: TOKEN },
      { channel, publisher, logger: silentLogger(), env: {} },
    );
    const running = agent.start();
    try {
      await waitFor(() => agent.httpAddress !== undefined && publisher.published.length === 2 && channel.inProgressCount === 0, 'republished');
      const { body } = await get(agent.httpAddress?.port ?? 0, '/metrics');
      assert.equal(sample(body, 'kadabra_agent_messages_received_total'), 0);
      assert.equal(sample(body, 'kadabra_agent_messages_published_total'), 2);
      assert.equal(sample(body, 'kadabra_agent_messages_republished_total'), 2);
      assert.equal(sample(body, 'kadabra_agent_points_written_total'), 2);
    } finally {
      await agent.stop();
      await running;
    }
  });

  it('/readyz names the channel while its receives fail, and is ready again once they succeed', async () => {
    const channel = new MemoryChannel();
    const agent = new Agent(
      { AGENT_HTTP_PORT: 0, AGENT_HTTP_TOKEN: TOKEN },
      { channel, publisher: new FakePublisher(), logger: silentLogger(), env: {} },
    );
    channel.failNext('receive', new Error('connection lost'), 6);
    const running = agent.start();
    try {
      await waitFor(() => agent.httpAddress !== undefined, 'listening');
      const port = agent.httpAddress?.port ?? 0;
      const seen: string[] = [];
      await waitFor(async () => {
        const answer = await get(port, '/readyz');
        seen.push(`${answer.status} ${answer.body}`);
        return answer.status === 503;
      }, 'unready');
      assert.match(seen.at(-1) ?? '', /^503 channel unreachable: Error: connection lost\n$/);
      await channel.send(counterMessage('after'));
      await waitFor(async () => (await get(port, '/readyz')).status === 200, 'ready again', 10_000);
    } finally {
      await agent.stop();
      await running;
    }
  });

  it('start() rejects, naming the listener, when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const agent = new Agent({ AGENT_HTTP_PORT: port }, { channel: new MemoryChannel(), publisher: new FakePublisher(), logger: silentLogger(), env: {} });
      await assert.rejects(agent.start(), /HTTP listener could not start: .*EADDRINUSE/);
    } finally {
      taken.close();
    }
  });

  it('without AGENT_HTTP_PORT there is no listener', async () => {
    const agent = new Agent({}, { channel: new MemoryChannel(), publisher: new FakePublisher(), logger: silentLogger(), env: {} });
    const running = agent.start();
    await agent.stop();
    await running;
    assert.equal(agent.httpAddress, undefined);
  });
});

describe('Agent status page endpoints', () => {
  it('/status.json: the totals, the latest dead letters with their reasons, the configuration masked, no token anywhere', async () => {
    const channel = new MemoryChannel();
    const publisher = new FakePublisher(rejectWhere((metrics) => metrics.counters[0]?.name === 'bad', 'field type conflict'));
    for (let i = 0; i < 4; i += 1) await channel.send(counterMessage(`m${i}`));
    await channel.send(counterMessage('bad'));
    const agent = new Agent(
      {
        AGENT_HTTP_PORT: 0,
        AGENT_HTTP_TOKEN: TOKEN,
        AGENT_CHANNEL_ARGS: { password: 'channel-password-5e1d', url: 'redis://u:url-password-7c2a@127.0.0.1:1/0' },
      },
      { channel, publisher, logger: silentLogger(), env: {} },
    );
    const running = agent.start();
    try {
      await waitFor(() => agent.httpAddress !== undefined && publisher.published.length === 4 && channel.inProgressCount === 0, 'all settled');
      const port = agent.httpAddress?.port ?? 0;
      const { status, body } = await get(port, '/status.json');
      assert.equal(status, 200);
      for (const secret of [TOKEN, 'channel-password-5e1d', 'url-password-7c2a']) assert.ok(!body.includes(secret), secret);
      const document = JSON.parse(body) as {
        current: { received: number; published: number; deadLettered: number; points: number };
        history: { capacity: number; intervalSeconds: number; time: number[] };
        configuration: Record<string, unknown>;
        deadLetters: { letters: { reason: string; message: string }[]; error: string | null };
        otherAgents: { known: boolean; why: string };
        agent: { unready: string | null; channel: { type: string } };
      };
      assert.deepEqual(
        [document.current.received, document.current.published, document.current.deadLettered, document.current.points],
        [5, 4, 1, 4],
      );
      assert.deepEqual([document.history.capacity, document.history.intervalSeconds], [1800, 2]);
      assert.equal(document.configuration['AGENT_HTTP_TOKEN'], '[redacted]');
      assert.deepEqual(
        [(document.configuration['AGENT_CHANNEL_ARGS'] as Record<string, unknown>)['password'], (document.configuration['AGENT_CHANNEL_ARGS'] as Record<string, unknown>)['url']],
        ['[redacted]', 'redis://u:[redacted]@127.0.0.1:1/0'],
      );
      assert.equal(document.deadLetters.error, null);
      assert.equal(document.deadLetters.letters.length, 1);
      assert.equal(document.deadLetters.letters[0]?.reason, 'field type conflict');
      assert.match(document.deadLetters.letters[0]?.message ?? '', /"bad"/);
      assert.deepEqual([document.otherAgents.known, document.agent.unready, document.agent.channel.type], [false, null, 'memory']);

      const page = await get(port, '/');
      assert.equal(page.status, 200);
      assert.match(page.body, /<script src="uplot\/uPlot\.iife\.min\.js"><\/script>/);
      for (const path of ['/status-page.js', '/status-page.css', '/uplot/uPlot.iife.min.js', '/uplot/uPlot.min.css']) {
        assert.equal((await get(port, path)).status, 200, path);
      }
    } finally {
      await agent.stop();
      await running;
    }
  });
});
