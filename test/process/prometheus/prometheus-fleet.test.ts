// Several sender processes, one agent with the Prometheus publisher SIGKILLed while they
// send and restarted, and a real Prometheus scraping the agent every second: the sums
// Prometheus reports equal exactly what was sent, and each gauge the value last set, on
// each channel type (the nanny's republishes bring older gauge values after newer ones).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AgentProcess } from '../../support/agent-process.js';
import { freePort } from '../../support/process-rig.js';
import { runNode } from '../../support/node-child.js';
import { startPrometheus, type PrometheusHandle } from '../../support/prometheus-server.js';
import { startRedisServer, uniqueKeys, uniqueStreamKey, type RedisServerHandle } from '../../support/redis-server.js';
import { waitFor } from '../../support/wait-for.js';
import { channelPath } from '../sqlite/sqlite-support.js';
import { FAST_AGENT } from '../agent-rig.js';

const SENDER = resolve('dist/test/process/prometheus/prometheus-sender.js');
const SENDERS = 3;
const PER_SENDER = 400;
const KILLS = 3;

/** What the senders send, by the decimal text a series must show (sums of i % 17 ms). */
function workSumText(count: number): string {
  let micros = 0;
  for (let i = 0; i < count; i += 1) micros += (i % 17) * 1000;
  return String(micros / 1e6);
}

interface ChannelUnderTest {
  readonly type: string;
  readonly args: () => Record<string, unknown>;
}

let redis: RedisServerHandle;
before(async () => {
  redis = await startRedisServer();
});
after(async () => {
  await redis.dispose();
});

const CHANNELS: ChannelUnderTest[] = [
  { type: 'redis', args: () => ({ host: '127.0.0.1', port: redis.port, ...uniqueKeys('prom') }) },
  { type: 'redis-streams', args: () => ({ host: '127.0.0.1', port: redis.port, stream_key: uniqueStreamKey('prom'), group: 'agents' }) },
  { type: 'sqlite', args: () => ({ path: channelPath() }) },
];

async function fleetRun(channel: ChannelUnderTest): Promise<void> {
  const channelArgs = channel.args();
  const port = await freePort();
  const prometheus: PrometheusHandle = await startPrometheus({ targets: [`127.0.0.1:${port}`] });
  const config = {
    AGENT_CHANNEL_TYPE: channel.type,
    AGENT_CHANNEL_ARGS: channelArgs,
    AGENT_PUBLISHER_TYPE: 'prometheus',
    AGENT_HTTP_PORT: port,
    AGENT_LOG_LEVEL: 'info',
    ...FAST_AGENT,
  };
  let agent = AgentProcess.start(config);
  try {
    await agent.waitUntilStarted();
    const senders = Array.from({ length: SENDERS }, (_, i) =>
      runNode([SENDER, JSON.stringify({ type: channel.type, args: channelArgs }), `p${i}`, String(PER_SENDER)]));
    let sendersDone = false;
    void Promise.all(senders).then(() => (sendersDone = true), () => (sendersDone = true));
    // SIGKILL the agent while the senders send, each time once Prometheus has seen more
    // counted (or, on a machine so slow the senders finished first, at once).
    for (let kill = 1; kill <= KILLS; kill += 1) {
      const seen = (await prometheus.queryValue('sum(requests_total)')) ?? 0;
      await waitFor(
        async () => ((await prometheus.queryValue('sum(requests_total)')) ?? 0) > seen || sendersDone,
        `more counted before kill ${kill}`,
        60_000,
        () => agent.stdout.slice(-2000),
        100,
      );
      agent.kill('SIGKILL');
      await agent.exited;
      agent = AgentProcess.start(config);
      await agent.waitUntilStarted();
    }
    for (const run of await Promise.all(senders)) assert.equal(run.code, 0, run.stderr);

    const total = SENDERS * PER_SENDER;
    const expect = async (promql: string, value: number): Promise<void> => {
      let last: number | undefined;
      await waitFor(async () => (last = await prometheus.queryValue(promql)) === value, `${promql} == ${value}`, 60_000, () => `last: ${last}`, 250);
    };
    await expect('sum(requests_total)', total);
    await expect('sum(bytes_total)', total * 1.5);
    await expect('sum(work_seconds_count)', total);
    await expect('sum(work_seconds_bucket{le="+Inf"})', total);
    await expect('sum(work_seconds_bucket{le="0.01"})', SENDERS * [...Array(PER_SENDER).keys()].filter((i) => i % 17 <= 10).length);
    for (let i = 0; i < SENDERS; i += 1) {
      await expect(`work_seconds_sum{producer="p${i}"}`, Number(workSumText(PER_SENDER)));
      await expect(`requests_total{producer="p${i}"}`, PER_SENDER);
      await expect(`level{producer="p${i}"}`, PER_SENDER - 1);
    }
    // No counter reset was seen by Prometheus across the kills: the totals live in the channel.
    await expect('sum(resets(requests_total[10m]))', 0);
    // Scraped as OpenMetrics (Prometheus asks for it first): each series has its creation time.
    assert.equal(await prometheus.queryValue('count(requests_created)'), SENDERS);
    assert.deepEqual(await prometheus.targetHealth(), ['up']);
    // The 0.0.4 text, fleet series included, passes promtool.
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(text, /^requests_total\{producer="p0"\} 400$/m);
    assert.match(text, /# TYPE level gauge\nlevel\{producer="p0"\} 399\n/);
    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(promtool.status, 0, `${promtool.stdout}${promtool.stderr}`);
    assert.equal(`${promtool.stdout}${promtool.stderr}`.trim(), '', 'no lint remark');
    await agent.stopCleanly();
  } finally {
    if (agent.running) agent.kill('SIGKILL');
    await prometheus.dispose();
  }
}

describe('the Prometheus publisher with a real Prometheus, agents SIGKILLed while senders send', () => {
  for (const channel of CHANNELS) {
    it(`counts every message exactly once on the ${channel.type} channel`, { timeout: 240_000 }, () => fleetRun(channel));
  }
});
