import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { uniqueDatabase } from '../../support/influxdb-server.js';
import { AgentProcess } from '../../support/agent-process.js';
import { waitFor } from '../../support/wait-for.js';
import { redisClient, type TestChannelArgs } from '../agent-rig.js';
import { AGENT_TYPES, type AgentType, channelArgs, countAndSum, influxAgentConfig, runSender, sharedServers, waitForDrained } from './influx-agent-rig.js';

const RATE_INTERVAL_MS = 20;
const MESSAGES = 1500; // 30 s at 50 a second
const DOWN_AFTER_MS = 3000;
const OUTAGE_MS = 20_000;
/**
 * What may sit in progress while InfluxDB is down: the workers' held messages, or one
 * batch. A default worker that published just before the outage may have taken the
 * backlog waiting then as one batch (at most about a second of this traffic on a loaded
 * machine), so its bound is the 3 workers plus 50.
 */
const IN_PROGRESS_BOUND: Readonly<Record<AgentType, number>> = { default: 3 + 50, batched: 100 };
/** The agent's log line when a publish fails and its receivers stop taking messages. */
const GATE_CLOSED = /receivers stop taking new messages/;
/**
 * This long after the agent logged that its gate closed, every worker has seen a failed
 * publish (a receive asked before the gate closed may still bring one message each).
 */
const SETTLE_MS = 2000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Lane {
  readonly type: AgentType;
  readonly database: string;
  readonly channel: TestChannelArgs;
  readonly agent: AgentProcess;
  maxInProgress: number;
  /** When the poll first saw the agent's gate-closed line. */
  gateClosedAt: number | undefined;
  /** In progress once the outage has settled, and the most seen after that. */
  settledInProgress: number | undefined;
  maxAfterSettled: number;
  queuedAtRestart: number;
}

describe('kadabra agent process: InfluxDB down for 20 s while messages flow', () => {
  const servers = sharedServers();

  it('both agent types: everything arrives once, and in-progress stays small during the outage', async (t) => {
    const queue = redisClient(servers.redis.port);
    const lanes: Lane[] = [];
    try {
      for (const type of AGENT_TYPES) {
        const database = uniqueDatabase(`outage_${type}`);
        await servers.influx.createDatabase(database);
        const channel = channelArgs(servers.redis.port, `outage-${type}`);
        const config = influxAgentConfig(type, channel, servers.influx, database, { BATCHED_AGENT_MAX_BATCH_SIZE: IN_PROGRESS_BOUND.batched });
        lanes.push({ type, database, channel, agent: AgentProcess.start(config), maxInProgress: 0, gateClosedAt: undefined, settledInProgress: undefined, maxAfterSettled: 0, queuedAtRestart: 0 });
      }
      for (const lane of lanes) await lane.agent.waitUntilStarted();

      // One steady sender per agent, distinct values so a double would show in the sum.
      const sending = Promise.all(
        lanes.map((lane) => runSender(lane.channel, { count: MESSAGES, measurement: 'ticks', intervalMs: RATE_INTERVAL_MS, values: 'sequence' })),
      );
      await sleep(DOWN_AFTER_MS);
      await servers.influx.stop();
      const upAt = Date.now() + OUTAGE_MS;
      while (Date.now() < upAt) {
        for (const lane of lanes) {
          // Settled by the agent's own account, not a fixed time: on a loaded machine the
          // agent may take seconds to meet the outage.
          if (lane.gateClosedAt === undefined && lane.agent.lines.some((line) => GATE_CLOSED.test(String(line.msg)))) lane.gateClosedAt = Date.now();
          const settled = lane.gateClosedAt !== undefined && Date.now() >= lane.gateClosedAt + SETTLE_MS;
          const inProgress = await queue.llen(lane.channel.inprogress_key);
          lane.maxInProgress = Math.max(lane.maxInProgress, inProgress);
          if (settled) {
            lane.settledInProgress ??= inProgress;
            lane.maxAfterSettled = Math.max(lane.maxAfterSettled, inProgress);
          }
        }
        await sleep(50);
      }
      for (const lane of lanes) lane.queuedAtRestart = await queue.llen(lane.channel.queue_key);
      await servers.influx.start();

      const reports = await sending;
      const expectedSum = (MESSAGES * (MESSAGES + 1)) / 2;
      for (const [i, lane] of lanes.entries()) {
        assert.deepEqual(reports[i], { sent: MESSAGES, sum: expectedSum, delivered: MESSAGES, dropped: 0 });
        await waitForDrained(queue, lane.channel, `${lane.type} after the outage`);
        await waitFor(async () => (await countAndSum(servers.influx, lane.database, 'ticks')).count >= MESSAGES, `${lane.type}: all stored`, 20_000);
        const stored = await countAndSum(servers.influx, lane.database, 'ticks');
        t.diagnostic(
          `${lane.type}: ${lane.queuedAtRestart} queued when InfluxDB came back, at most ${lane.maxInProgress} in progress while down ` +
            `(${lane.settledInProgress} once settled, at most ${lane.maxAfterSettled} after); ` +
            `${stored.count} points, sum ${stored.sum}`,
        );
        assert.deepEqual(stored, { count: MESSAGES, sum: expectedSum, distinct: MESSAGES }, `${lane.type}: each message once`);
        assert.ok(lane.queuedAtRestart > 0.5 * (OUTAGE_MS / RATE_INTERVAL_MS), `${lane.type}: the queue held the outage's messages`);
        assert.ok(lane.maxInProgress <= IN_PROGRESS_BOUND[lane.type], `${lane.type}: ${lane.maxInProgress} in progress while down`);
        // The receivers stop taking messages while publishing fails: in-progress never
        // grows once every worker has seen the outage.
        assert.notEqual(lane.settledInProgress, undefined, `${lane.type}: the agent logged its gate closing well within the outage\n${lane.agent.describe()}`);
        assert.ok(
          lane.maxAfterSettled <= (lane.settledInProgress ?? 0),
          `${lane.type}: in progress grew from ${lane.settledInProgress} to ${lane.maxAfterSettled} during the outage`,
        );
        assert.equal(await queue.llen(lane.channel.dead_key), 0);
        assert.ok(lane.agent.lines.some((line) => /recovered/.test(String(line.msg))), `${lane.type} logged the recovery\n${lane.agent.describe()}`);
        await lane.agent.stopCleanly();
      }
    } finally {
      queue.disconnect();
      await Promise.all(lanes.map((lane) => lane.agent.dispose()));
      await servers.influx.start().catch(() => undefined);
    }
  });
});
