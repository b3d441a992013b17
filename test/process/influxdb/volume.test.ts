import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rfc3339ToNanos } from '../../integration/influxdb/stored-points.js';
import { uniqueDatabase, type InfluxDBServerHandle } from '../../support/influxdb-server.js';
import { AgentProcess } from '../../support/agent-process.js';
import { waitFor } from '../../support/wait-for.js';
import { redisClient } from '../agent-rig.js';
import { channelArgs, countAndSum, influxAgentConfig, runSender, sharedServers, waitForDrained } from './influx-agent-rig.js';

const PER_PROCESS = 10_000;
const PROCESSES = 3;
/** The bar: at most 1 point in 10,000 lost to cross-process collisions. */
const MAX_LOST = (PROCESSES * PER_PROCESS) / 10_000;

/** Stored points whose microsecond another point of the measurement has too (across processes: one process's are distinct). */
async function pointsSharingAMicrosecond(influx: InfluxDBServerHandle, database: string, measurement: string): Promise<number> {
  const result = await influx.query(`SELECT "value" FROM "${measurement}"`, database);
  const perMicrosecond = new Map<bigint, number>();
  for (const row of result.results[0]?.series?.[0]?.values ?? []) {
    const micros = rfc3339ToNanos(String(row[0])) / 1000n;
    perMicrosecond.set(micros, (perMicrosecond.get(micros) ?? 0) + 1);
  }
  return [...perMicrosecond.values()].filter((n) => n > 1).reduce((sum, n) => sum + n, 0);
}

describe('kadabra agent process: 10,000 identical-looking collectors into a real InfluxDB', () => {
  const servers = sharedServers();

  // The batched agent here: the default one takes ~20 s for the two drains (one request
  // per message), and republishing is the publisher's business, the same in both.
  it(`batched: one process, as fast as it can: 10,000 points with the sum sent; re-queued, still 10,000`, async () => {
    const database = uniqueDatabase('volume_1p');
    await servers.influx.createDatabase(database);
    const channel = channelArgs(servers.redis.port, 'volume-1p');
    const queue = redisClient(servers.redis.port);
    let agent: AgentProcess | undefined;
    try {
      const report = await runSender(channel, { count: PER_PROCESS, measurement: 'requests', intervalMs: 0, values: 'sequence' });
      assert.deepEqual(report, { sent: PER_PROCESS, sum: (PER_PROCESS * (PER_PROCESS + 1)) / 2, delivered: PER_PROCESS, dropped: 0 });
      // The exact bytes sent, to queue them again after the first drain.
      const sentBytes = await queue.lrangeBuffer(channel.queue_key, 0, -1);
      assert.equal(sentBytes.length, PER_PROCESS);

      agent = AgentProcess.start(influxAgentConfig('batched', channel, servers.influx, database));
      await waitForDrained(queue, channel, 'first drain');
      await waitFor(async () => (await countAndSum(servers.influx, database, 'requests')).count >= PER_PROCESS, '10,000 points', 20_000);
      assert.deepEqual(await countAndSum(servers.influx, database, 'requests'), { count: PER_PROCESS, sum: report.sum, distinct: PER_PROCESS });

      // Everything published a second time (a nanny's or a crash's re-delivery): same points.
      await queue.lpush(channel.queue_key, ...[...sentBytes].reverse());
      await waitForDrained(queue, channel, 'second drain');
      assert.equal(await queue.llen(channel.dead_key), 0);
      assert.deepEqual(await countAndSum(servers.influx, database, 'requests'), { count: PER_PROCESS, sum: report.sum, distinct: PER_PROCESS });
      await agent.stopCleanly();
    } finally {
      queue.disconnect();
      await agent?.dispose();
    }
  });

  // The default agent: one message per request is the worst case for collisions
  // (byte-identical messages of two processes are told apart only within one batch).
  it(`default: ${PROCESSES} processes at once, 10,000 each: at most ${MAX_LOST} points lost (1 in 10,000)`, async (t) => {
    const database = uniqueDatabase('volume_3p');
    await servers.influx.createDatabase(database);
    const channel = channelArgs(servers.redis.port, 'volume-3p');
    const queue = redisClient(servers.redis.port);
    let agent: AgentProcess | undefined;
    try {
      // Every value 1: the worst case, where same-microsecond messages of two processes can be byte-identical.
      const startAt = Date.now() + 1500;
      const reports = await Promise.all(
        Array.from({ length: PROCESSES }, () =>
          runSender(channel, { count: PER_PROCESS, measurement: 'requests', intervalMs: 0, values: 'ones', startAt }),
        ),
      );
      for (const report of reports) assert.deepEqual(report, { sent: PER_PROCESS, sum: PER_PROCESS, delivered: PER_PROCESS, dropped: 0 });
      // Byte-identical messages (two processes whose serialization times met in the same
      // microsecond, by chance) are one message on the list channel, to every publisher
      // (docs/influxdb.md): counted apart from the publisher's bar.
      const queued = await queue.lrangeBuffer(channel.queue_key, 0, -1);
      assert.equal(queued.length, PROCESSES * PER_PROCESS);
      const identical = queued.length - new Set(queued.map((bytes) => bytes.toString('latin1'))).size;

      agent = AgentProcess.start(influxAgentConfig('default', channel, servers.influx, database, { AGENT_RECEIVER_THREADS: 8 }));
      await waitForDrained(queue, channel, 'drain', 100_000);
      assert.equal(await queue.llen(channel.dead_key), 0);
      const { count, sum } = await countAndSum(servers.influx, database, 'requests');
      const lost = PROCESSES * PER_PROCESS - count;
      const shared = await pointsSharingAMicrosecond(servers.influx, database, 'requests');
      t.diagnostic(
        `${PROCESSES} x ${PER_PROCESS} sent at once: ${count} points stored, ${lost} lost, ${identical} byte-identical to another; ` +
          `${shared} stored points share their microsecond with another`,
      );
      assert.equal(sum, count);
      assert.ok(lost >= identical, `${lost} points lost, fewer than the ${identical} byte-identical messages (each lands on its twin's point)`);
      assert.ok(lost - identical <= MAX_LOST, `${lost - identical} points of distinct messages lost`);
      await agent.stopCleanly();
    } finally {
      queue.disconnect();
      await agent?.dispose();
    }
  });
});
