// InfluxDB refusals that are not the messages' fault: a wrong scheme, a proxy answering
// 400 with a text nobody listed, a server at its series limit. Acknowledged messages are
// held (never dead-lettered) until the setup is fixed, a tenant refused alone is
// dead-lettered with the server's reason and requeued by it, and nothing is ever deleted.
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Kadabra } from '../../../src/client/kadabra.js';
import { startInfluxDB, uniqueDatabase, type InfluxDBServerHandle } from '../../support/influxdb-server.js';
import { startRedisServer, type RedisServerHandle } from '../../support/redis-server.js';
import { makeTestCertificates, type TestCertificates } from '../../support/test-ca.js';
import { AgentProcess, runKadabra, writeConfig } from '../../support/agent-process.js';
import { waitFor } from '../../support/wait-for.js';
import type { LogLine } from '../../support/log-line.js';
import { redisClient, type TestChannelArgs } from '../agent-rig.js';
import { AGENT_TYPES, channelArgs, countAndSum, influxAgentConfig, runSender, waitForDrained } from './influx-agent-rig.js';

const MESSAGES = 100;
const SUM = (MESSAGES * (MESSAGES + 1)) / 2;
/** How long the setup stays wrong while the agents hold the messages. */
const WRONG_FOR_MS = 4000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const isError = (pattern: RegExp) => (line: LogLine): boolean => (line.level ?? 0) >= 50 && pattern.test(String(line.msg));

/** Every message sent is in the queue or in progress (held), none dead-lettered. */
async function assertHeld(redis: ReturnType<typeof redisClient>, channel: TestChannelArgs): Promise<void> {
  assert.equal(await redis.llen(channel.dead_key), 0, 'nothing dead-lettered');
  const held = (await redis.llen(channel.queue_key)) + (await redis.llen(channel.inprogress_key));
  assert.equal(held, MESSAGES, 'every message held');
}

/** A proxy in front of InfluxDB that answers every write 400 with an unfamiliar text while `refusing`. */
async function startRefusingProxy(targetPort: () => number): Promise<{ port: number; refusing: boolean; close(): Promise<void> }> {
  const state = { refusing: true };
  const server: Server = createServer((req, res) => {
    if (state.refusing && req.url?.startsWith('/write') === true) {
      req.resume();
      req.on('end', () => {
        res.writeHead(400, { 'Content-Type': 'text/plain' });
        res.end('request blocked by policy 7 (test proxy)');
      });
      return;
    }
    const upstream = request(
      { host: '127.0.0.1', port: targetPort(), method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get refusing() {
      return state.refusing;
    },
    set refusing(value: boolean) {
      state.refusing = value;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('kadabra agent process: refusals that are not the messages\' fault', () => {
  let redis: RedisServerHandle;
  let certificates: TestCertificates;
  before(async () => {
    redis = await startRedisServer();
    certificates = makeTestCertificates();
  });
  after(async () => {
    await redis.dispose();
    certificates.dispose();
  });

  /**
   * A setup wrong and then fixed, once per agent type (each with its own keys and
   * database): 100 messages sent, each agent logs the server's `refusal` at error level
   * and holds every message for WRONG_FOR_MS (none dead-lettered); after `fix()` every
   * message is written once and each agent stops cleanly. `hint`, where given, is the fix
   * the first agent's error line must name.
   */
  async function heldUntilFixed(
    influx: InfluxDBServerHandle,
    setup: { readonly name: string; readonly publisherPort?: number; readonly refusal: RegExp; readonly hint?: RegExp; readonly fix: () => Promise<void> },
  ): Promise<void> {
    const queue = redisClient(redis.port);
    const lanes: { type: string; database: string; channel: TestChannelArgs; agent: AgentProcess }[] = [];
    try {
      for (const type of AGENT_TYPES) {
        const database = uniqueDatabase(`${setup.name}_${type}`);
        await influx.createDatabase(database);
        const channel = channelArgs(redis.port, `${setup.name}-${type}`);
        const config = influxAgentConfig(type, channel, influx, database);
        const port = setup.publisherPort ?? influx.port;
        const agent = AgentProcess.start({ ...config, AGENT_PUBLISHER_ARGS: { ...(config['AGENT_PUBLISHER_ARGS'] as object), port } });
        lanes.push({ type, database, channel, agent });
      }
      await Promise.all(
        lanes.map((lane) => runSender(lane.channel, { count: MESSAGES, measurement: 'ticks', intervalMs: 0, values: 'sequence' })),
      );
      for (const lane of lanes) {
        await lane.agent.waitForLine(isError(setup.refusal), `${lane.type}: the server's text at error level`);
      }
      await sleep(WRONG_FOR_MS);
      for (const lane of lanes) await assertHeld(queue, lane.channel);
      if (setup.hint !== undefined) {
        const error = lanes[0]?.agent.lines.find(isError(setup.refusal));
        assert.match(String(error?.msg), setup.hint);
      }

      await setup.fix();
      for (const lane of lanes) {
        await waitForDrained(queue, lane.channel, `${lane.type} drained after the fix`, 60_000);
        assert.deepEqual(await countAndSum(influx, lane.database, 'ticks'), { count: MESSAGES, sum: SUM, distinct: MESSAGES });
        assert.equal(await queue.llen(lane.channel.dead_key), 0, `${lane.type}: nothing dead-lettered`);
        await lane.agent.stopCleanly();
      }
    } finally {
      queue.disconnect();
      await Promise.all(lanes.map((lane) => lane.agent.dispose()));
    }
  }

  it('http to an https-only InfluxDB: 100 messages held (none dead-lettered, InfluxDB\'s text logged at error), all written once it is fixed', async () => {
    const influx = await startInfluxDB({ tls: certificates });
    try {
      // host and port with ssl off: the agent speaks http to a server that speaks https.
      await heldUntilFixed(influx, {
        name: 'https',
        refusal: /HTTP request to an HTTPS server/,
        hint: /fix: the server speaks https/,
        // Fixed: the server now speaks http on the same port; the agents resume by themselves.
        fix: () => influx.restartWith({ tls: undefined }),
      });
    } finally {
      await influx.dispose();
    }
  });

  it('a proxy answers every write 400 with an unfamiliar text: held, then all written once it passes writes through', async () => {
    const influx = await startInfluxDB();
    const proxy = await startRefusingProxy(() => influx.port);
    try {
      await heldUntilFixed(influx, {
        name: 'proxy',
        publisherPort: proxy.port,
        refusal: /request blocked by policy 7/,
        fix: async () => {
          proxy.refusing = false;
        },
      });
    } finally {
      await proxy.close();
      await influx.dispose();
    }
  });

  for (const type of AGENT_TYPES) {
    it(`${type}: one tenant over the series limit is dead-lettered with InfluxDB's reason, the other is written in full, requeue --reason after raising the limit writes the rest`, async (t) => {
      const LIMIT = 10;
      const TENANT_A = 20;
      const influx = await startInfluxDB({ maxSeriesPerDatabase: LIMIT });
      const queue = redisClient(redis.port);
      const channel = channelArgs(redis.port, `series-${type}`);
      const database = uniqueDatabase(`series_${type}`);
      let agent: AgentProcess | undefined;
      try {
        await influx.createDatabase(database);
        // Fill the database to its limit; tenant B's one series is among them.
        const fill = Array.from({ length: LIMIT - 1 }, (_, i) => `filler,n=${i} value=0 1`);
        assert.equal((await influx.write(database, ['tenant_b,tenant=b value=0 1', ...fill].join('\n'))).status, 204);

        // Tenant B: existing series, values 1..100. Tenant A: one new series per message.
        const client = new Kadabra({ CLIENT_CHANNEL_ARGS: { ...channel }, CLIENT_LOG_LEVEL: 'error' });
        for (let i = 1; i <= MESSAGES; i += 1) {
          const b = client.metrics();
          b.setDimension('tenant', 'b');
          b.addCount('tenant_b', i);
          client.send(b.close());
          if (i % 5 === 0) {
            const a = client.metrics();
            a.setDimension('tenant', 'a');
            a.setDimension('user', `u${i}`);
            a.addCount('tenant_a', i);
            client.send(a.close());
          }
        }
        const stats = await client.close();
        assert.equal(stats.delivered, MESSAGES + TENANT_A);

        const config = influxAgentConfig(type, channel, influx, database);
        const configFile = writeConfig({ ...config, AGENT_CHANNEL_ARGS: channel });
        agent = AgentProcess.start(config);
        await waitFor(async () => (await queue.llen(channel.dead_key)) === TENANT_A, 'tenant A dead-lettered', 30_000, () => agent?.describe() ?? '');
        await waitForDrained(queue, channel, 'the rest written', 30_000);
        // B: every message written (plus the point written to fill the database).
        assert.deepEqual(await countAndSum(influx, database, 'tenant_b'), { count: MESSAGES + 1, sum: SUM, distinct: MESSAGES + 1 });
        assert.equal((await countAndSum(influx, database, 'tenant_a')).count, 0);
        const letters = JSON.parse(runKadabra(['dead-letters', 'list', '--json', '--limit', '100', '--config', configFile]).stdout) as { message: string; reason: string }[];
        assert.equal(letters.length, TENANT_A);
        t.diagnostic(`reason: ${letters[0]?.reason ?? ''}`);
        for (const letter of letters) {
          assert.match(letter.message, /"name": "tenant_a"/);
          assert.match(letter.reason, /max-series-per-database limit exceeded/);
        }
        assert.ok(agent.lines.some(isError(/max-series-per-database limit exceeded/)), 'logged at error level');

        await influx.restartWith({ maxSeriesPerDatabase: 1000 });
        const requeued = runKadabra(['dead-letters', 'requeue', '--reason', 'max-series-per-database', '--config', configFile]);
        assert.equal(requeued.code, 0, requeued.stderr);
        assert.match(requeued.stdout, new RegExp(`requeued ${TENANT_A} dead letter`));
        await waitFor(async () => (await countAndSum(influx, database, 'tenant_a')).count === TENANT_A, 'tenant A written', 30_000);
        await waitForDrained(queue, channel, 'requeued ones written', 30_000);
        assert.deepEqual(await countAndSum(influx, database, 'tenant_a'), { count: TENANT_A, sum: 1050, distinct: TENANT_A });
        assert.deepEqual(await countAndSum(influx, database, 'tenant_b'), { count: MESSAGES + 1, sum: SUM, distinct: MESSAGES + 1 });
        assert.equal(await queue.llen(channel.dead_key), 0);
        await agent.stopCleanly();
      } finally {
        queue.disconnect();
        await agent?.dispose();
        await influx.dispose();
      }
    });
  }

  it('more dead letters than dead_max_length: none deleted, logged at error level, status exits 3 until they are dealt with', async () => {
    const channel = channelArgs(redis.port, 'alarm');
    const withMax = { ...channel, dead_max_length: 3 };
    const configFile = writeConfig({ AGENT_CHANNEL_ARGS: withMax });
    const queue = redisClient(redis.port);
    const agent = AgentProcess.start({
      AGENT_CHANNEL_ARGS: withMax,
      AGENT_PUBLISHER_TYPE: 'debug',
      AGENT_NANNY_FREQUENCY_SECONDS: 1,
    });
    try {
      for (let i = 0; i < 5; i += 1) await queue.lpush(channel.queue_key, `junk-${i}`);
      await waitFor(async () => (await queue.llen(channel.dead_key)) === 5, 'five dead letters', 20_000, () => agent.describe());
      await agent.waitForLine(isError(/more than dead_max_length \(3\); none is deleted/), 'the alarm at error level');
      const status = runKadabra(['status', '--config', configFile]);
      assert.equal(status.code, 3, status.stdout + status.stderr);
      assert.match(status.stdout, /dead letters: 5 \(alarm above 3\)/);
      assert.match(status.stdout, /ALARM/);
      assert.equal(runKadabra(['dead-letters', 'purge', '--config', configFile]).code, 0);
      assert.equal(runKadabra(['status', '--config', configFile]).code, 0);
      await agent.stopCleanly();
    } finally {
      queue.disconnect();
      await agent.dispose();
    }
  });
});
