// A failover while apps send: a real Redis Cluster (3 masters, a replica each), a
// Redis Streams channel of 3 shards on it, two `kadabra agent` processes publishing to
// Prometheus totals kept in the channel, and apps (Kadabra clients in this process)
// sending one message per few ms; mid-run the master of one shard is SIGKILLed, its
// replica takes over, and the old master is started again (it rejoins as a replica).
//
// What the apps' clients counted as delivered is then reconciled with what the agents
// stored, by count and by sum: each message carries `messages` 1 and `seq` n, and the
// Prometheus publisher adds them to its totals in the step that completes the message,
// so a message is stored once however often it is published; a message appended twice
// would be counted twice.
import { after, before, test } from 'node:test';
import { Kadabra } from '../../../src/client/kadabra.js';
import { RedisStreamsChannel } from '../../../src/channels/redis-streams/redis-streams-channel.js';
import { streamShardKeys } from '../../../src/channels/redis-streams/stream-shard-keys.js';
import { createLogger } from '../../../src/logging/logger.js';
import { AgentProcess } from '../../support/agent-process.js';
import { startRedisCluster, type RedisClusterHandle } from '../../support/redis-cluster.js';
import { uniqueStreamKey } from '../../support/redis-server.js';
import { waitFor } from '../../support/wait-for.js';
import { FAST_AGENT } from '../agent-rig.js';
import { counterWholeUnits } from '../../support/prometheus-totals.js';

/** Apps sending at once. */
const APPS = 2;
/** Each app sends for this long, one message per `SEND_EVERY_MS`. */
const SEND_MS = 6000;
const SEND_EVERY_MS = 4;
/** The master is killed this long after the apps start. */
const KILL_AFTER_MS = 2000;

/** What a failover run measured. */
export interface FailoverFigures {
  /** Messages the apps' clients counted as delivered (acknowledged by Redis, and by `WAIT` when asked). */
  readonly delivered: number;
  /** Messages the apps dropped (buffer full) or still held at close: not delivered. */
  readonly notDelivered: number;
  /** Messages stored (counted once each in the Prometheus totals). */
  readonly stored: number;
  /** Delivered but not stored: lost by the failover. */
  readonly lost: number;
  /** Stored beyond what was sent (a message stored twice). */
  readonly doubled: number;
  /** Whether the sum of the stored `seq` values equals that of the messages counted as stored once each. */
  readonly sumMatches: boolean;
}

/** Runs apps and two agents on `cluster`, kills the master of shard 0 mid-run, and reconciles. */
export async function failoverRun(cluster: RedisClusterHandle, waitReplicas: number): Promise<FailoverFigures> {
  const stream_key = uniqueStreamKey('failover');
  const args = {
    cluster_nodes: cluster.startupNodes.map(({ host, port }) => `${host}:${port}`),
    shards: 3,
    stream_key,
    connect_timeout: 1,
    ...(waitReplicas > 0 ? { wait_replicas: waitReplicas, wait_timeout_ms: 1000 } : {}),
  };
  const agents = [0, 1].map(() =>
    AgentProcess.start({
      ...FAST_AGENT,
      AGENT_NANNY_THRESHOLD_SECONDS: 1,
      AGENT_LOG_LEVEL: 'warn',
      AGENT_RECEIVER_THREADS: 2,
      AGENT_CHANNEL_TYPE: 'redis-streams',
      AGENT_CHANNEL_ARGS: args,
      AGENT_PUBLISHER_TYPE: 'prometheus',
    }, { keepOutput: false }));
  const silent = createLogger({ level: 'silent' });
  const apps = Array.from({ length: APPS }, () =>
    new Kadabra(
      {
        CLIENT_CHANNEL_TYPE: 'redis-streams',
        CLIENT_CHANNEL_ARGS: args,
        CLIENT_FLUSH_TIMEOUT_SECONDS: 30,
        CLIENT_BUFFER_MAX_MESSAGES: 1_000_000,
      },
      { logger: silent },
    ));
  const reader = new RedisStreamsChannel(args, silent);
  try {
    const master = await cluster.masterOf((streamShardKeys(stream_key, 3)[0] as string));
    let seq = 0;
    let expectedSum = 0;
    const started = Date.now();
    let recovered: Promise<void> | undefined;
    while (Date.now() - started < SEND_MS) {
      for (const app of apps) {
        seq += 1;
        const metrics = app.metrics();
        metrics.addCount('messages', 1);
        metrics.addCount('seq', seq);
        app.send(metrics.close());
      }
      if (recovered === undefined && Date.now() - started >= KILL_AFTER_MS) {
        await master.kill();
        // Once its replica has taken over, the old master comes back as the new one's replica
        // (without one, WAIT could confirm nothing there).
        recovered = cluster.waitHealthy(30_000).then(() => master.restart());
      }
      await new Promise((resolve) => setTimeout(resolve, SEND_EVERY_MS));
    }
    const closed = await Promise.all(apps.map((app) => app.close()));
    const delivered = closed.reduce((sum, stats) => sum + stats.delivered, 0);
    const notDelivered = closed.reduce((sum, stats) => sum + stats.dropped + stats.buffered, 0);
    await recovered;
    // Drained: nothing waiting or in progress, and the totals no longer move.
    let last = -1n;
    await waitFor(async () => {
      const status = await reader.status().catch(() => undefined);
      if (status === undefined || status.queued + status.inProgress > 0) return false;
      const count = counterWholeUnits(await reader.readState('prometheus'), 'messages');
      const settled = count === last;
      last = count;
      return settled;
    }, 'the agents drained the channel', 60_000, () => '', 500);
    const totals = await reader.readState('prometheus');
    const stored = Number(counterWholeUnits(totals, 'messages'));
    const storedSum = Number(counterWholeUnits(totals, 'seq'));
    // With every message sent stored, their seq values sum to 1 + 2 + ... + seq exactly: a
    // double hidden by a loss would show there.
    for (let n = 1; n <= seq; n += 1) expectedSum += n;
    return {
      delivered,
      notDelivered,
      stored,
      lost: Math.max(0, delivered - stored),
      doubled: Math.max(0, stored - seq),
      sumMatches: stored !== seq || storedSum === expectedSum,
    };
  } finally {
    await reader.close();
    await Promise.all(agents.map((agent) => agent.stop('SIGTERM')));
  }
}

/**
 * One test file's failover test: a cluster started for it, one `failoverRun` with
 * `waitReplicas`, its figures printed (docs/channels.md quotes them) and handed to `check`.
 */
export function failoverTest(title: string, waitReplicas: number, check: (figures: FailoverFigures) => void): void {
  let cluster: RedisClusterHandle;
  before(async () => {
    cluster = await startRedisCluster();
  });
  after(async () => {
    await cluster.dispose();
  });
  test(title, { timeout: 110_000 }, async () => {
    const figures = await failoverRun(cluster, waitReplicas);
    process.stdout.write(`${title}: ${JSON.stringify(figures)}\n`);
    check(figures);
  });
}
