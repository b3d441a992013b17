import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startInfluxDB, uniqueDatabase, type InfluxDBServerHandle } from '../../support/influxdb-server.js';
import { startRedisServer, type RedisServerHandle } from '../../support/redis-server.js';
import { AgentProcess, CLI, writeConfig } from '../../support/agent-process.js';
import { waitFor } from '../../support/wait-for.js';
import { redisClient } from '../agent-rig.js';
import { AGENT_TYPES, channelArgs, countAndSum, influxAgentConfig, runSender, waitForDrained } from './influx-agent-rig.js';

const GOOD = 1000;

/** Runs `kadabra <args>` to completion. */
function kadabra(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { PATH: process.env['PATH'] } });
}

describe('kadabra agent process: a point InfluxDB rejects among 1,000 good ones', () => {
  let redis: RedisServerHandle;
  let influx: InfluxDBServerHandle;
  before(async () => {
    [redis, influx] = await Promise.all([startRedisServer(), startInfluxDB()]);
  });
  after(async () => {
    await Promise.all([redis.dispose(), influx.dispose()]);
  });

  for (const type of AGENT_TYPES) {
    it(`${type}: the 1,000 are written, the conflicting one is dead-lettered with InfluxDB's message`, async (t) => {
      const database = uniqueDatabase(`rejected_${type}`);
      await influx.createDatabase(database);
      // Another tool made `value` a string field of `conflict`: our float value cannot go there.
      assert.equal((await influx.write(database, 'conflict value="str"')).status, 204);

      const channel = channelArgs(redis.port, `rejected-${type}`);
      const config = writeConfig({ CLIENT_CHANNEL_ARGS: channel, AGENT_CHANNEL_ARGS: channel });
      // Queued before the agent starts, so the batched agent takes them as one batch.
      const half = GOOD / 2;
      await runSender(channel, { count: half, measurement: 'good', intervalMs: 0, values: 'sequence', first: 1 });
      const bad = kadabra(['send', 'count', 'conflict', '7', '--dimension', 'source=kadabra', '--config', config]);
      assert.equal(bad.status, 0, bad.stderr);
      await runSender(channel, { count: half, measurement: 'good', intervalMs: 0, values: 'sequence', first: half + 1 });

      const queue = redisClient(redis.port);
      const agent = AgentProcess.start(influxAgentConfig(type, channel, influx, database));
      try {
        await waitForDrained(queue, channel, 'all taken', 30_000);
        await waitFor(async () => (await queue.llen(channel.dead_key)) === 1, 'the bad one dead-lettered');
        assert.deepEqual(await countAndSum(influx, database, 'good'), { count: GOOD, sum: (GOOD * (GOOD + 1)) / 2, distinct: GOOD });
        const conflict = await influx.query('SELECT * FROM "conflict"', database);
        assert.deepEqual(conflict.results[0]?.series?.[0]?.values?.map((row) => row.slice(1)), [[null, 'str']], 'only the other tool\'s point');

        const listed = kadabra(['dead-letters', 'list', '--json', '--config', config]);
        assert.equal(listed.status, 0, listed.stderr);
        const letters = JSON.parse(listed.stdout) as { message: string; reason: string }[];
        assert.equal(letters.length, 1);
        t.diagnostic(`dead-letter reason: ${letters[0]?.reason ?? ''}`);
        assert.match(letters[0]?.message ?? '', /"name": "conflict"/);
        // InfluxDB's own words.
        assert.match(letters[0]?.reason ?? '', /field type conflict/);
        assert.match(letters[0]?.reason ?? '', /already exists as type string/);

        agent.kill('SIGTERM');
        assert.equal((await agent.exited).code, 0, agent.describe());
      } finally {
        queue.disconnect();
        await agent.dispose();
      }
    });
  }
});
