// The agent's HTTP listener over real HTTP, with the agent publishing to a real influxd
// (authentication on) from a real redis-server (password on): /healthz, /readyz following
// influxd stopping and returning with no message waiting, /metrics equal to what was sent
// and to `kadabra status --json`, checked by promtool, the bearer token, and no credential
// in any answer.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { AgentProcess, CLI, runKadabra, writeConfig } from '../../support/agent-process.js';
import { INFLUX_ADMIN, startInfluxDB, uniqueDatabase, type InfluxDBServerHandle } from '../../support/influxdb-server.js';
import { startRedisServer, uniqueKeys, type RedisServerHandle } from '../../support/redis-server.js';
import { waitFor } from '../../support/wait-for.js';
import type { TestChannelArgs } from '../agent-rig.js';
import { countAndSum, runSender } from './influx-agent-rig.js';

const REDIS_PASSWORD = 'redis-pw-7c1e9a';
const HTTP_TOKEN = 'http-token-5d2f8b';
const INFLUX_TOKEN = 'influx-token-93ab4e';
const MESSAGES = 120;

/** Every credential configured anywhere in this file: none may appear in an answer. */
const SECRETS = [REDIS_PASSWORD, HTTP_TOKEN, INFLUX_TOKEN, INFLUX_ADMIN.password];

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** Every body any endpoint answered, searched for credentials at the end. */
const bodies: string[] = [];

/** GETs `path` with `token` as the bearer token (null: no Authorization header). */
async function get(port: number, path: string, token: string | null = HTTP_TOKEN): Promise<Answer> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, token === null ? {} : { headers: { Authorization: `Bearer ${token}` } });
  const answer = { status: response.status, body: await response.text() };
  bodies.push(`${path} ${answer.status} ${answer.body}`);
  return answer;
}

/** The value of a sample (`name` with its labels, as written), undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Waits for the agent's listener line and returns its port. */
async function listenerPort(agent: AgentProcess): Promise<number> {
  await agent.waitForLine((line) => String(line.msg).startsWith('agent HTTP listener on'), 'the listener line', 30_000);
  const line = agent.lines.find((l) => String(l.msg).startsWith('agent HTTP listener on'));
  return Number(line?.['port']);
}

describe('kadabra agent process: the HTTP listener against real servers', () => {
  let redis: RedisServerHandle;
  let influx: InfluxDBServerHandle;
  before(async () => {
    [redis, influx] = await Promise.all([startRedisServer({ password: REDIS_PASSWORD }), startInfluxDB({ auth: true })]);
  });
  after(async () => {
    await Promise.all([redis.dispose(), influx.dispose()]);
  });

  it('/healthz, /readyz through an InfluxDB outage, /metrics equal to what was sent, the token, no credential', async (t) => {
    const database = uniqueDatabase('http');
    await influx.createDatabase(database);
    const channel: TestChannelArgs = { host: '127.0.0.1', port: redis.port, password: REDIS_PASSWORD, ...uniqueKeys('http') };
    const config = {
      AGENT_CHANNEL_ARGS: channel,
      AGENT_PUBLISHER_TYPE: 'influxdb',
      AGENT_PUBLISHER_ARGS: {
        // Credentials twice: in the URL and as arguments.
        url: `http://${INFLUX_ADMIN.username}:${INFLUX_ADMIN.password}@127.0.0.1:${influx.port}`,
        username: INFLUX_ADMIN.username,
        password: INFLUX_ADMIN.password,
        database,
        timeout: 2,
      },
      AGENT_HTTP_PORT: 0,
      AGENT_HTTP_TOKEN: HTTP_TOKEN,
    };
    const configFile = writeConfig(config);
    const agent = new AgentProcess([CLI, 'agent', '--config', configFile]);
    try {
      const port = await listenerPort(agent);
      assert.deepEqual(await get(port, '/healthz', null), { status: 200, body: 'ok\n' }, 'no token needed');
      await waitFor(async () => (await get(port, '/readyz')).status === 200, 'ready', 10_000);

      // The token: required by /readyz and /metrics, not /healthz.
      for (const path of ['/readyz', '/metrics']) {
        for (const token of [null, 'wrong-token']) {
          const answer = await get(port, path, token);
          assert.equal(answer.status, 401, `${path} with ${token ?? 'no token'}`);
          assert.equal(answer.body.trimEnd().split('\n').length, 1);
        }
      }

      // /metrics after N messages: what was sent, what InfluxDB holds, what `kadabra status` says.
      const report = await runSender(channel, { count: MESSAGES, measurement: 'http_requests', intervalMs: 0, values: 'ones' });
      assert.equal(report.delivered, MESSAGES);
      await waitFor(async () => (await countAndSum(influx, database, 'http_requests')).count === MESSAGES, 'all stored', 30_000);
      let metrics = '';
      await waitFor(async () => {
        metrics = (await get(port, '/metrics')).body;
        return sample(metrics, 'kadabra_agent_messages_published_total') === MESSAGES;
      }, 'published counted', 10_000, () => metrics);
      assert.equal(sample(metrics, 'kadabra_agent_messages_received_total'), MESSAGES);
      assert.equal(sample(metrics, 'kadabra_agent_points_written_total'), MESSAGES);
      assert.equal(sample(metrics, 'kadabra_agent_messages_republished_total'), 0);
      assert.equal(sample(metrics, 'kadabra_agent_messages_dead_lettered_total{reason="rejected"}'), 0);
      assert.equal(sample(metrics, 'kadabra_agent_channel_up'), 1);
      const status = runKadabra(['status', '--json', '--config', configFile]);
      assert.equal(status.code, 0, status.stderr);
      const json = JSON.parse(status.stdout) as { queued: number; inProgress: number; deadLetters: number };
      assert.equal(sample(metrics, 'kadabra_agent_queue_length'), json.queued);
      assert.equal(sample(metrics, 'kadabra_agent_in_progress'), json.inProgress);
      assert.equal(sample(metrics, 'kadabra_agent_dead_letters'), json.deadLetters);
      assert.deepEqual([json.queued, json.inProgress, json.deadLetters], [0, 0, 0]);

      const promtool = spawnSync('promtool', ['check', 'metrics'], { input: metrics, encoding: 'utf8' });
      assert.equal(promtool.error, undefined, 'promtool runs (scripts/ensure-test-services.sh installs it)');
      assert.equal(promtool.status, 0, `${promtool.stdout}${promtool.stderr}`);
      assert.equal(`${promtool.stdout}${promtool.stderr}`.trim(), '', 'no lint remark');

      // InfluxDB stops with no message waiting: unready within a few seconds, with the publisher's reason.
      await influx.stop();
      const stoppedAt = Date.now();
      let unready: Answer = { status: 0, body: '' };
      await waitFor(async () => {
        unready = await get(port, '/readyz');
        return unready.status === 503;
      }, '/readyz 503 after InfluxDB stopped', 10_000, () => agent.describe());
      const unreadyMs = Date.now() - stoppedAt;
      assert.match(unready.body, /^publisher not writing: InfluxDB at .* is unavailable: cannot reach InfluxDB: .*ECONNREFUSED.*\n$/);
      assert.ok(unreadyMs <= 8000, `unready after ${unreadyMs} ms`);
      assert.equal((await get(port, '/healthz')).status, 200, 'alive all the same');
      const during = (await get(port, '/metrics')).body;
      assert.ok((sample(during, 'kadabra_agent_messages_published_total') ?? 0) === MESSAGES);

      // It returns: ready again within 15 s, still with no message waiting.
      await influx.start();
      const startedAt = Date.now();
      await waitFor(async () => (await get(port, '/readyz')).status === 200, '/readyz 200 after InfluxDB returned', 15_000, () => agent.describe());
      const readyMs = Date.now() - startedAt;
      t.diagnostic(`unready ${unreadyMs} ms after influxd stopped, ready ${readyMs} ms after it returned`);

      for (const body of bodies) for (const secret of SECRETS) assert.ok(!body.includes(secret), `a credential in: ${body.slice(0, 200)}`);
      for (const secret of SECRETS) assert.ok(!agent.stdout.includes(secret) && !agent.stderr.includes(secret), 'no credential in the log');
      await agent.stopCleanly();
    } finally {
      await agent.dispose();
      await influx.start().catch(() => undefined);
    }
  });

  it('no credential in any answer of an agent whose InfluxDB (token, password, URL credentials) is unreachable', async () => {
    const channel = { url: `redis://:${REDIS_PASSWORD}@127.0.0.1:${redis.port}`, ...uniqueKeys('http-secrets') };
    const agent = AgentProcess.start({
      AGENT_CHANNEL_ARGS: channel,
      AGENT_PUBLISHER_TYPE: 'influxdb',
      AGENT_PUBLISHER_ARGS: {
        url: `http://reader:${INFLUX_ADMIN.password}@127.0.0.1:1`,
        password: INFLUX_ADMIN.password,
        token: INFLUX_TOKEN,
        timeout: 1,
      },
      AGENT_HTTP_PORT: 0,
      AGENT_HTTP_TOKEN: HTTP_TOKEN,
    });
    try {
      const port = await listenerPort(agent);
      const answers: Answer[] = [];
      await waitFor(async () => {
        const answer = await get(port, '/readyz');
        answers.push(answer);
        return answer.status === 503;
      }, 'unready', 10_000);
      assert.match(answers.at(-1)?.body ?? '', /^publisher not writing: InfluxDB at .*unavailable/);
      answers.push(await get(port, '/metrics'), await get(port, '/healthz'), await get(port, '/'), await get(port, '/metrics', 'wrong'));
      const everything = answers.map((a) => a.body).join('\n');
      for (const secret of SECRETS) assert.ok(!everything.includes(secret), `${secret} in an answer:\n${everything}`);
      for (const secret of SECRETS) assert.ok(!agent.stdout.includes(secret), `${secret} in the log`);
      await agent.stopCleanly();
    } finally {
      await agent.dispose();
    }
  });
});
