// The PostgreSQL publisher under faults, with real processes: `kadabra agent` children, a
// sending application, redis-server and a private PostgreSQL cluster. Each passes when
// every message sent is stored once: lost 0, doubled 0, by count(*) and sum(value).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentProcess } from '../../support/agent-process.js';
import { fileFixture } from '../../support/file-fixture.js';
import { startPostgresServer } from '../../support/postgres-server.js';
import { startRedisServer } from '../../support/redis-server.js';
import { waitFor } from '../../support/wait-for.js';
import { redisClient, type TestChannelArgs } from '../agent-rig.js';
import { AGENT_TYPES, channelArgs, runSender, waitForDrained, type AgentType } from '../influxdb/influx-agent-rig.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const servers = fileFixture(
  async () => {
    const [redis, postgres] = await Promise.all([startRedisServer(), startPostgresServer()]);
    return { redis, postgres };
  },
  ({ redis, postgres }) => Promise.all([redis.dispose(), postgres.dispose()]),
);

/** A `kadabra agent` publishing to `database` of the test cluster, with short nanny and batch intervals. */
function postgresAgentConfig(type: AgentType, channel: TestChannelArgs, database: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    AGENT_TYPE: type,
    AGENT_CHANNEL_ARGS: channel,
    AGENT_PUBLISHER_TYPE: 'postgres',
    AGENT_PUBLISHER_ARGS: { url: servers().postgres.url(database), create_schema: true, timeout: 2 },
    AGENT_NANNY_FREQUENCY_SECONDS: 1,
    AGENT_NANNY_THRESHOLD_SECONDS: 2,
    BATCHED_AGENT_INTERVAL_SECONDS: 0.2,
    ...extra,
  };
}

/** count(*), sum(value) and count(DISTINCT value) of the table (zeros before it exists). */
async function stored(database: string): Promise<{ count: number; sum: number; distinct: number }> {
  const rows = await servers()
    .postgres.query<{ count: number; sum: number; distinct: number }>(
      'SELECT count(*)::int AS count, coalesce(sum(value), 0) AS sum, count(DISTINCT value)::int AS distinct FROM kadabra_points',
      [],
      database,
    )
    .catch(() => []);
  return rows[0] ?? { count: 0, sum: 0, distinct: 0 };
}

describe('kadabra agent process into PostgreSQL, under faults', () => {
  it('PostgreSQL down 20 s while messages flow, then back: both agent types store every message once', async (t) => {
    const MESSAGES = 1500; // 30 s at 50 a second
    const { redis, postgres } = servers();
    const queue = redisClient(redis.port);
    const lanes: { type: AgentType; database: string; channel: TestChannelArgs; agent: AgentProcess }[] = [];
    try {
      for (const type of AGENT_TYPES) {
        const database = await postgres.createDatabase();
        const channel = channelArgs(redis.port, `pg-outage-${type}`);
        lanes.push({ type, database, channel, agent: AgentProcess.start(postgresAgentConfig(type, channel, database)) });
      }
      for (const lane of lanes) await lane.agent.waitUntilStarted();
      const sending = Promise.all(
        lanes.map((lane) => runSender(lane.channel, { count: MESSAGES, measurement: 'ticks', intervalMs: 20, values: 'sequence' })),
      );
      await sleep(3000);
      await postgres.stop();
      let queuedAtRestart = 0;
      try {
        await sleep(20_000);
        for (const lane of lanes) queuedAtRestart += await queue.llen(lane.channel.queue_key);
      } finally {
        await postgres.start();
      }
      const reports = await sending;
      const expectedSum = (MESSAGES * (MESSAGES + 1)) / 2;
      for (const [i, lane] of lanes.entries()) {
        assert.deepEqual(reports[i], { sent: MESSAGES, sum: expectedSum, delivered: MESSAGES, dropped: 0 });
        await waitForDrained(queue, lane.channel, `${lane.type} after the outage`).catch(async (error: unknown) => {
          const left = `${await queue.llen(lane.channel.queue_key)} queued, ${await queue.llen(lane.channel.inprogress_key)} in progress`;
          throw new Error(`${String(error)} (${left})\n${lane.agent.describe()}`);
        });
        await waitFor(async () => (await stored(lane.database)).count >= MESSAGES, `${lane.type}: all stored`, 20_000);
        const totals = await stored(lane.database);
        t.diagnostic(`${lane.type}: ${totals.count} rows, sum ${totals.sum}`);
        assert.deepEqual(totals, { count: MESSAGES, sum: expectedSum, distinct: MESSAGES }, `${lane.type}: each message once`);
        assert.equal(await queue.llen(lane.channel.dead_key), 0, `${lane.type}: nothing dead-lettered`);
        assert.ok(
          lane.agent.lines.some((line) => /PostgreSQL at .* is unavailable/.test(String(line.msg))),
          `${lane.type} logged the outage\n${lane.agent.describe()}`,
        );
        await lane.agent.stopCleanly();
      }
      assert.ok(queuedAtRestart > 0, 'the queue held messages during the outage');
    } finally {
      queue.disconnect();
      await Promise.all(lanes.map((lane) => lane.agent.dispose()));
    }
  });

  it('an agent SIGKILLed in the middle of a COPY: the next agent stores every message once', async (t) => {
    const MESSAGES = 20_000;
    const { redis, postgres } = servers();
    const queue = redisClient(redis.port);
    const database = await postgres.createDatabase();
    const channel = channelArgs(redis.port, 'pg-killed');
    const config = postgresAgentConfig('batched', channel, database, { BATCHED_AGENT_MAX_BATCH_SIZE: 2000 });
    const agents: AgentProcess[] = [];
    try {
      const report = await runSender(channel, { count: MESSAGES, measurement: 'ticks', intervalMs: 0, values: 'sequence' });
      assert.equal(report.delivered, MESSAGES);
      const first = AgentProcess.start(config);
      agents.push(first);
      // The agent's session in a transaction whose statement is (or just was) its COPY.
      await waitFor(
        async () =>
          (await postgres.query(
            "SELECT 1 FROM pg_stat_activity WHERE application_name = 'kadabra-agent' AND xact_start IS NOT NULL AND query LIKE 'COPY kadabra_staging%'",
            [],
            database,
          )).length > 0,
        'a COPY in flight',
        60_000,
        () => first.describe(),
        2,
      );
      first.kill('SIGKILL');
      const before = await stored(database);
      t.diagnostic(`killed with ${before.count} rows committed, ${await queue.llen(channel.inprogress_key)} messages in progress`);
      assert.ok(before.count < MESSAGES, 'killed before everything was written');

      const second = AgentProcess.start(config);
      agents.push(second);
      await waitForDrained(queue, channel, 'after the kill', 120_000);
      const totals = await stored(database);
      assert.deepEqual(totals, { count: MESSAGES, sum: (MESSAGES * (MESSAGES + 1)) / 2, distinct: MESSAGES }, 'lost 0, doubled 0');
      assert.equal(await queue.llen(channel.dead_key), 0);
      await second.stopCleanly();
    } finally {
      queue.disconnect();
      await Promise.all(agents.map((agent) => agent.dispose()));
    }
  });
});
