// The status page's "other agents on this channel" where the channel records them: two
// agents reading one Redis stream each list both consumers in /status.json, with what
// each holds; on the list channel the page says they are not known.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { Agent } from '../../../src/agent/agent.js';
import { Kadabra } from '../../../src/client/kadabra.js';
import { startRedisServer, uniqueKeys, uniqueStreamKey, type RedisServerHandle } from '../../support/redis-server.js';
import { waitFor } from '../../support/wait-for.js';
import { FakePublisher } from '../../unit/agent/fake-publisher.js';

interface OtherAgents {
  readonly known: boolean;
  readonly why?: string;
  readonly consumers?: readonly { name: string; pending: number; idleSeconds: number }[];
}

function statusJson(port: number): Promise<{ otherAgents: OtherAgents; current: { published: number } }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/status.json' }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => (response.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`${response.statusCode}: ${body}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('status page: the agents on the channel', () => {
  let server: RedisServerHandle;
  before(async () => {
    server = await startRedisServer();
  });
  after(async () => {
    await server.dispose();
  });

  test('redis-streams: each agent lists both consumers of the group, its own included', async () => {
    const streamArgs = { host: '127.0.0.1', port: server.port, stream_key: uniqueStreamKey('page-agents') };
    const config = { AGENT_LOG_LEVEL: 'silent', AGENT_HTTP_PORT: 0, AGENT_CHANNEL_TYPE: 'redis-streams' };
    const agents = [
      new Agent({ ...config, AGENT_CHANNEL_ARGS: { ...streamArgs, consumer: 'agent-one' } }, { publisher: new FakePublisher(), env: {} }),
      new Agent({ ...config, AGENT_CHANNEL_ARGS: { ...streamArgs, consumer: 'agent-two' } }, { publisher: new FakePublisher(), env: {} }),
    ];
    const running = agents.map((agent) => agent.start());
    try {
      const app = new Kadabra({ CLIENT_CHANNEL_TYPE: 'redis-streams', CLIENT_CHANNEL_ARGS: streamArgs, CLIENT_LOG_LEVEL: 'silent' });
      for (let i = 0; i < 20; i += 1) {
        const metrics = app.metrics();
        metrics.addCount('seq', i);
        app.send(metrics.close());
      }
      await app.close();
      for (const agent of agents) {
        await waitFor(async () => {
          const port = agent.httpAddress?.port;
          if (port === undefined) return false;
          const names = (await statusJson(port)).otherAgents.consumers?.map((c) => c.name).sort();
          return JSON.stringify(names) === JSON.stringify(['agent-one', 'agent-two']);
        }, 'both consumers listed', 20_000, () => '', 200);
        const { otherAgents } = await statusJson(agent.httpAddress?.port ?? 0);
        assert.equal(otherAgents.known, true);
        for (const consumer of otherAgents.consumers ?? []) {
          assert.ok(Number.isInteger(consumer.pending) && consumer.pending >= 0, JSON.stringify(consumer));
          assert.ok(consumer.idleSeconds >= 0, JSON.stringify(consumer));
        }
      }
    } finally {
      await Promise.all(agents.map((agent) => agent.stop()));
      await Promise.all(running);
    }
  });

  test('the list channel: not known, and why', async () => {
    const agent = new Agent(
      { AGENT_LOG_LEVEL: 'silent', AGENT_HTTP_PORT: 0, AGENT_CHANNEL_ARGS: { host: '127.0.0.1', port: server.port, ...uniqueKeys('page-agents') } },
      { publisher: new FakePublisher(), env: {} },
    );
    const running = agent.start();
    try {
      await waitFor(() => agent.httpAddress !== undefined, 'listening');
      const { otherAgents } = await statusJson(agent.httpAddress?.port ?? 0);
      assert.equal(otherAgents.known, false);
      assert.match(otherAgents.why ?? '', /redis channel does not record which agents take from it/);
    } finally {
      await agent.stop();
      await running;
    }
  });
});
