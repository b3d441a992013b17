// Sender processes, one agent with the Prometheus publisher, and redis-server (AOF, fsync
// always) stopped for 2 s (SIGTERM) and later SIGKILLed, each time started again, while
// the senders send: the totals a real Prometheus reports equal what was sent, and each
// gauge the value last set, on both Redis channels. A client write that failed after it
// may have reached Redis is sent again and may be queued twice (Redis acknowledged
// nothing for it): the sender counts such messages, and only they may count twice.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { AgentProcess } from '../../support/agent-process.js';
import { freePort } from '../../support/process-rig.js';
import { runNode } from '../../support/node-child.js';
import { startPrometheus } from '../../support/prometheus-server.js';
import { startRedisServer, uniqueKeys, uniqueStreamKey, type RedisServerHandle } from '../../support/redis-server.js';
import { waitFor } from '../../support/wait-for.js';
import { FAST_AGENT } from '../agent-rig.js';

const SENDER = resolve('dist/test/process/prometheus/prometheus-sender.js');
const SENDERS = 2;
const PER_SENDER = 300;

let redis: RedisServerHandle;
before(async () => {
  redis = await startRedisServer({ appendOnly: true });
});
after(async () => {
  await redis.dispose();
});

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

async function restartRun(t: TestContext, type: string, channelArgs: Record<string, unknown>): Promise<void> {
  const port = await freePort();
  const prometheus = await startPrometheus({ targets: [`127.0.0.1:${port}`] });
  const config = {
    AGENT_CHANNEL_TYPE: type,
    AGENT_CHANNEL_ARGS: channelArgs,
    AGENT_PUBLISHER_TYPE: 'prometheus',
    AGENT_HTTP_PORT: port,
    AGENT_LOG_LEVEL: 'info',
    ...FAST_AGENT,
  };
  const agent = AgentProcess.start(config);
  const counted = async (): Promise<number> => (await prometheus.queryValue('sum(requests_total)')) ?? 0;
  try {
    await agent.waitUntilStarted();
    const senders = Array.from({ length: SENDERS }, (_, i) =>
      runNode([SENDER, JSON.stringify({ type, args: channelArgs }), `p${i}`, String(PER_SENDER)]));
    let sendersDone = false;
    void Promise.all(senders).then(() => (sendersDone = true), () => (sendersDone = true));
    const moreCounted = async (what: string): Promise<void> => {
      const seen = await counted();
      await waitFor(async () => (await counted()) > seen || sendersDone, what, 60_000, () => agent.stdout.slice(-2000), 100);
    };

    await moreCounted('some counted before Redis stops');
    await redis.stop();
    await sleep(2000);
    await redis.restart();
    await moreCounted('more counted after Redis came back');
    await redis.kill();
    await redis.restart();

    const runs = await Promise.all(senders);
    let failedWrites = 0;
    for (const run of runs) {
      assert.equal(run.code, 0, run.stderr);
      failedWrites += (JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { failedWrites: number }).failedWrites;
    }
    t.diagnostic(`messages in client writes that failed and were sent again: ${failedWrites}`);
    const total = SENDERS * PER_SENDER;
    const settle = async (promql: string, low: number, high: number): Promise<number> => {
      let last: number | undefined;
      let previous: number | undefined;
      // Settled: within bounds and the same over two queries 3 s (three scrapes) apart.
      await waitFor(
        async () => {
          previous = last;
          last = await prometheus.queryValue(promql);
          return last !== undefined && last === previous && last >= low && last <= high;
        },
        `${promql} settles within [${low}, ${high}]`,
        60_000,
        () => `last: ${last}`,
        3000,
      );
      return last as number;
    };
    const requests = await settle('sum(requests_total)', total, total + failedWrites);
    assert.equal(await settle('sum(work_seconds_count)', requests, requests), requests, 'each message counted once in the histogram too');
    for (let i = 0; i < SENDERS; i += 1) await settle(`level{producer="p${i}"}`, PER_SENDER - 1, PER_SENDER - 1);
    if (failedWrites === 0) {
      assert.equal(requests, total, 'no write was in doubt: every message counted exactly once');
      assert.equal(await settle('sum(bytes_total)', total * 1.5, total * 1.5), total * 1.5);
    }
    assert.equal(await prometheus.queryValue('sum(resets(requests_total[10m]))'), 0, 'Prometheus saw no counter reset');
    await agent.stopCleanly();
  } finally {
    if (agent.running) agent.kill('SIGKILL');
    await prometheus.dispose();
  }
}

describe('the Prometheus publisher with a real Prometheus, redis-server restarted (TERM, KILL) while senders send', () => {
  it('counts every message once on the redis channel', { timeout: 110_000 }, (t) =>
    restartRun(t, 'redis', { host: '127.0.0.1', port: redis.port, ...uniqueKeys('prom_restart') }));
  it('counts every message once on the redis-streams channel', { timeout: 110_000 }, (t) =>
    restartRun(t, 'redis-streams', { host: '127.0.0.1', port: redis.port, stream_key: uniqueStreamKey('prom_restart'), group: 'agents' }));
});
