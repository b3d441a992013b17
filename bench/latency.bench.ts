import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { Kadabra } from '../src/client/kadabra.js';
import { startAckProxy } from './support/ack-proxy.js';
import { benchChannel } from './support/backlog.js';
import { formatValue, type BenchRow } from './support/bench-row.js';
import type { BenchContext } from './support/bench-context.js';
import { AGENT_CONFIGS, describeAgent } from './support/agent-configs.js';
import { BenchAgent } from './support/bench-agent.js';
import { dropDatabase, freshDatabase } from './support/influx-http.js';
import { runIfMain } from './support/run-bench-main.js';
import { median, percentile } from './support/stats.js';
import { recordTypical } from './support/typical-message.js';

const TARGET_P99_MS = 50;
const DATABASE = 'bench_latency';
const SEQUENCE = /route="seq-(\d+)"/g;

interface Steady {
  readonly rate: number;
  readonly seconds: number;
  /** Messages of the first seconds are left out of the percentiles (JIT warm-up). */
  readonly warmupSeconds: number;
}

interface LatencyResult {
  readonly latencies: number[];
  /** Messages acknowledged per second, first send to last acknowledgement. */
  readonly acknowledgedRate: number;
}

/**
 * One steady run: each message carries its sequence number in its metadata; a proxy in
 * front of influxd notes when a write carrying it was acknowledged (204). Latency =
 * acknowledgement time − time just before `send()`.
 */
async function steadyRun(context: BenchContext, steady: Steady): Promise<LatencyResult> {
  const total = steady.rate * steady.seconds;
  const sentAt = new Float64Array(total);
  const ackedAt = new Float64Array(total);
  let acknowledged = 0;
  const proxy = await startAckProxy(context.servers.influxUrl, (text, at) => {
    for (const match of text.matchAll(SEQUENCE)) {
      const seq = Number(match[1]);
      // A message published twice (nanny) counts from its first acknowledgement.
      if (seq < total && ackedAt[seq] === 0) {
        ackedAt[seq] = at;
        acknowledged += 1;
      }
    }
  });
  const channel = benchChannel('latency');
  const redis = new Redis({ host: '127.0.0.1', port: context.servers.redisPort });
  await freshDatabase(context.servers.influxUrl, DATABASE);
  const agent = new BenchAgent({ servers: context.servers, channel, database: DATABASE, influxUrl: proxy.url, config: AGENT_CONFIGS.default });
  const client = new Kadabra({
    CLIENT_CHANNEL_ARGS: { host: '127.0.0.1', port: context.servers.redisPort, ...channel.args },
    CLIENT_LOG_LEVEL: 'error',
  });
  try {
    await agent.ready();
    const start = performance.now();
    let sent = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * steady.rate) + 1);
      for (; sent < due; sent += 1) {
        const metrics = client.metrics();
        recordTypical(metrics, sent, `seq-${sent}`);
        sentAt[sent] = performance.now();
        client.send(metrics.close());
      }
      await sleep(1);
    }
    const deadline = performance.now() + 120_000;
    while (acknowledged < total) {
      agent.checkAlive();
      if (performance.now() > deadline) throw new Error(`only ${acknowledged} of ${total} messages acknowledged\n${agent.describe()}`);
      await sleep(20);
    }
  } finally {
    await client.close();
    await agent.stop();
    await proxy.close();
    await channel.remove(redis);
    redis.disconnect();
    await dropDatabase(context.servers.influxUrl, DATABASE);
  }
  const latencies: number[] = [];
  for (let seq = steady.warmupSeconds * steady.rate; seq < total; seq += 1) {
    latencies.push((ackedAt[seq] as number) - (sentAt[seq] as number));
  }
  const acknowledgedRate = total / ((Math.max(...ackedAt) - (sentAt[0] as number)) / 1000);
  return { latencies, acknowledgedRate };
}

/** Latency at a steady 1,000 messages/s, default agent, from `send()` to InfluxDB's acknowledgement; medians of 3 runs. */
export async function latencyBench(context: BenchContext): Promise<BenchRow[]> {
  const steady: Steady = context.smoke ? { rate: 200, seconds: 1, warmupSeconds: 0 } : { rate: 1000, seconds: 20, warmupSeconds: 2 };
  const runs = context.smoke ? 1 : 3;
  const figures: { p50: number; p99: number; max: number; rate: number }[] = [];
  for (let run = 0; run < runs; run += 1) {
    const { latencies, acknowledgedRate } = await steadyRun(context, steady);
    const [p50, p99, max] = [50, 99, 100].map((p) => percentile(latencies, p)) as [number, number, number];
    figures.push({ p50, p99, max, rate: acknowledgedRate });
    context.log(`latency run ${run}: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${max.toFixed(1)} ms, ${acknowledgedRate.toFixed(0)} msg/s acknowledged`);
  }
  const [p50, p99, max, rate] = (['p50', 'p99', 'max', 'rate'] as const).map((key) => median(figures.map((f) => f[key]))) as [number, number, number, number];
  const bench = 'latency';
  const what = `${steady.rate} msg/s for ${steady.seconds} s, default agent (${describeAgent(AGENT_CONFIGS.default)})`;
  return [
    { bench, figure: `send() → write acknowledged, p50 (${what})`, ours: formatValue(p50, 'ms'), value: p50 },
    { bench, figure: '  same: p99', ours: formatValue(p99, 'ms'), target: `≤ ${TARGET_P99_MS} ms`, met: p99 <= TARGET_P99_MS, value: p99 },
    { bench, figure: '  same: max', ours: formatValue(max, 'ms'), value: max },
    { bench, figure: '  same: acknowledged rate, first send to last acknowledgement', ours: formatValue(rate, 'msg/s'), value: rate },
  ];
}

runIfMain(import.meta.url, latencyBench);
