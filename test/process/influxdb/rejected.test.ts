import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { uniqueDatabase } from '../../support/influxdb-server.js';
import { AgentProcess, runKadabra, writeConfig } from '../../support/agent-process.js';
import { waitFor } from '../../support/wait-for.js';
import { redisClient } from '../agent-rig.js';
import { AGENT_TYPES, channelArgs, countAndSum, influxAgentConfig, runSender, sharedServers, waitForDrained } from './influx-agent-rig.js';

const GOOD = 1000;

describe('kadabra agent process: a point InfluxDB rejects among 1,000 good ones', () => {
  const servers = sharedServers();

  for (const type of AGENT_TYPES) {
    it(`${type}: the 1,000 are written, the conflicting one is dead-lettered with InfluxDB's message`, async (t) => {
      const database = uniqueDatabase(`rejected_${type}`);
      await servers.influx.createDatabase(database);
      // Another tool made `value` a string field of `conflict`: our float value cannot go there.
      assert.equal((await servers.influx.write(database, 'conflict value="str"')).status, 204);

      const channel = channelArgs(servers.redis.port, `rejected-${type}`);
      const config = writeConfig({ CLIENT_CHANNEL_ARGS: channel, AGENT_CHANNEL_ARGS: channel });
      // Queued before the agent starts, so the batched agent takes them as one batch.
      const half = GOOD / 2;
      await runSender(channel, { count: half, measurement: 'good', intervalMs: 0, values: 'sequence', first: 1 });
      const bad = runKadabra(['send', 'count', 'conflict', '7', '--dimension', 'source=kadabra', '--config', config]);
      assert.equal(bad.code, 0, bad.stderr);
      await runSender(channel, { count: half, measurement: 'good', intervalMs: 0, values: 'sequence', first: half + 1 });

      const queue = redisClient(servers.redis.port);
      const agent = AgentProcess.start(influxAgentConfig(type, channel, servers.influx, database));
      try {
        await waitForDrained(queue, channel, 'all taken', 30_000);
        await waitFor(async () => (await queue.llen(channel.dead_key)) === 1, 'the bad one dead-lettered');
        assert.deepEqual(await countAndSum(servers.influx, database, 'good'), { count: GOOD, sum: (GOOD * (GOOD + 1)) / 2, distinct: GOOD });
        const conflict = await servers.influx.query('SELECT * FROM "conflict"', database);
        assert.deepEqual(conflict.results[0]?.series?.[0]?.values?.map((row) => row.slice(1)), [[null, 'str']], 'only the other tool\'s point');

        const listed = runKadabra(['dead-letters', 'list', '--json', '--config', config]);
        assert.equal(listed.code, 0, listed.stderr);
        const letters = JSON.parse(listed.stdout) as { message: string; reason: string }[];
        assert.equal(letters.length, 1);
        t.diagnostic(`dead-letter reason: ${letters[0]?.reason ?? ''}`);
        assert.match(letters[0]?.message ?? '', /"name": "conflict"/);
        // InfluxDB's own words.
        assert.match(letters[0]?.reason ?? '', /field type conflict/);
        assert.match(letters[0]?.reason ?? '', /already exists as type string/);

        await agent.stopCleanly();
      } finally {
        queue.disconnect();
        await agent.dispose();
      }
    });
  }
});
