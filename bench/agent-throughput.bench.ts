import { Redis } from 'ioredis';
import { formatRatio, formatValue, shareOfLimitRow, type BenchRow } from './support/bench-row.js';
import type { BenchContext } from './support/bench-context.js';
import { accepted, AGENT_CONFIGS, describeAgent, ONE_PER_PUBLISH } from './support/agent-configs.js';
import { typicalMessages, type BenchChannelType } from './support/backlog.js';
import { drainWithAgent, PROMETHEUS_PUBLISHER, type DrainResult } from './support/drain.js';
import { dropDatabase, freshDatabase, waitForPoints } from './support/influx-http.js';
import { gzipBatches, postBatches } from './support/limit-writer.js';
import { ServerCpu } from './support/proc-sampler.js';
import { runIfMain } from './support/run-bench-main.js';
import { median } from './support/stats.js';
import { POINTS_PER_MESSAGE, TYPICAL_MEASUREMENTS } from './support/typical-message.js';

/** Share of the limit each agent must reach. */
const TARGET_SHARE = 0.6;
/** The default agent on redis-streams against the list channel's default agent, in the same run. */
const STREAMS_OVER_LIST = 2;
/** Agent + redis-server CPU per point on redis-streams, at most this times influxd's own (the limit run's). */
const STREAMS_CPU_OVER_INFLUX = 1.5;
const CHANNELS = ['redis', 'redis-streams'] as const satisfies readonly BenchChannelType[];
type Contender = `${(typeof CHANNELS)[number]} ${keyof typeof AGENT_CONFIGS}`;
const LIMIT_CONCURRENCY = 2;
const LIMIT_DATABASE = 'bench_limit';

interface LimitResult {
  readonly pointsPerSecond: number;
  readonly influxCpuSecondsPerMillionPoints: number;
}

async function limitRun(context: BenchContext, bodies: readonly Buffer[], points: number): Promise<LimitResult> {
  await freshDatabase(context.servers.influxUrl, LIMIT_DATABASE);
  try {
    const cpu = new ServerCpu(context);
    const start = performance.now();
    await postBatches(context.servers.influxUrl, LIMIT_DATABASE, bodies, LIMIT_CONCURRENCY);
    const end = await waitForPoints(context.servers.influxUrl, LIMIT_DATABASE, TYPICAL_MEASUREMENTS, points, 120_000);
    return { pointsPerSecond: points / ((end - start) / 1000), influxCpuSecondsPerMillionPoints: (cpu.used().influx / points) * 1e6 };
  } finally {
    await dropDatabase(context.servers.influxUrl, LIMIT_DATABASE);
  }
}

/**
 * Agent throughput end to end, default and batched, on the list and the streams channel,
 * against a minimal writer's limit on the same influxd, interleaved in one run; and the
 * default agent with the Prometheus publisher (folding into totals in the channel) on
 * each channel, against the InfluxDB default agent on the same channel.
 */
export async function agentThroughputBench(context: BenchContext): Promise<BenchRow[]> {
  const count = context.smoke ? 1_000 : 200_000;
  const runs = context.smoke ? 1 : 3;
  const onePerPublishCount = context.smoke ? 200 : 20_000;
  const points = count * POINTS_PER_MESSAGE;
  const messages = typicalMessages(count);
  const bodies = gzipBatches(messages);
  const redis = new Redis({ host: '127.0.0.1', port: context.servers.redisPort });
  const limits: LimitResult[] = [];
  const results = new Map<Contender, DrainResult[]>();
  const onePerPublish: DrainResult[] = [];
  const prometheus = new Map<(typeof CHANNELS)[number], DrainResult[]>();
  try {
    // Interleaved, so a busy spell on the shared machine hits every contender alike.
    for (let run = 0; run < runs; run += 1) {
      limits.push(await limitRun(context, bodies, points));
      context.log(`agent-throughput: limit run ${run}: ${Math.round(limits.at(-1)?.pointsPerSecond ?? 0)} points/s`);
      for (const channel of CHANNELS) {
        for (const mode of ['batched', 'default'] as const) {
          const result = await drainWithAgent(context, redis, `throughput_${mode}`, messages, AGENT_CONFIGS[mode], channel);
          const contender: Contender = `${channel} ${mode}`;
          results.set(contender, [...(results.get(contender) ?? []), result]);
          context.log(
            `agent-throughput: ${contender} run ${run}: ${Math.round(result.pointsPerSecond)} points/s in ${result.seconds.toFixed(1)} s, ` +
              `${result.cpuSecondsPerMillionPoints.toFixed(1)} CPU s/M points, peak RSS ${result.peakRssMb.toFixed(0)} MB`,
          );
        }
        const folded = await drainWithAgent(context, redis, 'throughput_prometheus', messages, AGENT_CONFIGS.default, channel, PROMETHEUS_PUBLISHER);
        prometheus.set(channel, [...(prometheus.get(channel) ?? []), folded]);
        context.log(`agent-throughput: ${channel} prometheus default run ${run}: ${Math.round(folded.pointsPerSecond)} points/s, peak RSS ${folded.peakRssMb.toFixed(0)} MB`);
      }
    }
    if (accepted(ONE_PER_PUBLISH)) {
      const result = await drainWithAgent(context, redis, 'throughput_one', messages.slice(0, onePerPublishCount), ONE_PER_PUBLISH);
      onePerPublish.push(result);
      context.log(`agent-throughput: one message per publish: ${Math.round(result.pointsPerSecond)} points/s`);
    }
  } finally {
    redis.disconnect();
  }
  const limit = median(limits.map((result) => result.pointsPerSecond));
  const limitInfluxCpu = median(limits.map((result) => result.influxCpuSecondsPerMillionPoints));
  const cpu = (value: number): string => formatValue(value, 'CPU s');
  const bench = 'agent-throughput';
  const rows: BenchRow[] = [
    {
      bench,
      figure: `limit: ${count.toLocaleString('en-US')} msgs as pre-encoded 5,000-line gzip batches (points/s)`,
      ours: formatValue(limit, 'points/s'),
      value: limit,
    },
    { bench, figure: '  limit: influxd CPU per million points', ours: cpu(limitInfluxCpu), value: limitInfluxCpu },
  ];
  const pickOf = (contender: Contender) => (key: keyof DrainResult): number => median((results.get(contender) ?? []).map((r) => r[key]));
  const listDefault = pickOf('redis default')('pointsPerSecond');
  for (const channel of CHANNELS) {
    for (const mode of ['default', 'batched'] as const) {
      const pick = pickOf(`${channel} ${mode}`);
      const rate = pick('pointsPerSecond');
      const detail = describeAgent(AGENT_CONFIGS[mode]);
      const on = channel === 'redis' ? '' : ` on ${channel}`;
      rows.push(shareOfLimitRow(bench, `${mode} agent${on} (${detail}), ${count.toLocaleString('en-US')} msgs until queryable (points/s)`, rate, limit, TARGET_SHARE));
      if (channel === 'redis-streams' && mode === 'default') {
        rows.push({
          bench,
          figure: `  default agent on ${channel} against the list channel's, same run`,
          ours: formatValue(rate, 'points/s'),
          peer: `list: ${formatValue(listDefault, 'points/s')}`,
          ratio: formatRatio(rate, listDefault),
          target: `≥ ${STREAMS_OVER_LIST}× list`,
          met: rate >= STREAMS_OVER_LIST * listDefault,
          value: rate / listDefault,
        });
      }
      const agentAndRedis = pick('cpuSecondsPerMillionPoints') + pick('redisCpuSecondsPerMillionPoints');
      rows.push(
        {
          bench,
          figure: `  ${mode} agent${on} CPU per million points`,
          ours: cpu(pick('cpuSecondsPerMillionPoints')),
          peer: `servers: redis-server ${cpu(pick('redisCpuSecondsPerMillionPoints'))}, influxd ${cpu(pick('influxCpuSecondsPerMillionPoints'))}`,
          value: pick('cpuSecondsPerMillionPoints'),
        },
        {
          bench,
          figure: `  ${mode} agent${on} + redis-server CPU per million points`,
          ours: cpu(agentAndRedis),
          peer: `influxd (limit run): ${cpu(limitInfluxCpu)}`,
          ratio: formatRatio(agentAndRedis, limitInfluxCpu),
          ...(channel === 'redis-streams' && mode === 'default'
            ? { target: `≤ ${STREAMS_CPU_OVER_INFLUX}× influxd`, met: agentAndRedis <= STREAMS_CPU_OVER_INFLUX * limitInfluxCpu }
            : {}),
          value: agentAndRedis,
        },
        { bench, figure: `  ${mode} agent${on} peak RSS`, ours: formatValue(pick('peakRssMb'), 'MB'), value: pick('peakRssMb') },
      );
    }
  }
  for (const channel of CHANNELS) {
    const folded = prometheus.get(channel) ?? [];
    const rate = median(folded.map((result) => result.pointsPerSecond));
    const influx = pickOf(`${channel} default`)('pointsPerSecond');
    const on = channel === 'redis' ? '' : ` on ${channel}`;
    rows.push(
      {
        bench,
        figure: `prometheus default agent${on} (${describeAgent(AGENT_CONFIGS.default)}), ${count.toLocaleString('en-US')} msgs until every point is counted (points/s)`,
        ours: formatValue(rate, 'points/s'),
        peer: `influxdb default agent${on}: ${formatValue(influx, 'points/s')}`,
        ratio: formatRatio(rate, influx),
        target: '≥ influxdb default agent',
        met: rate >= influx,
        value: rate,
      },
      {
        bench,
        figure: `  prometheus default agent${on} CPU per million points`,
        ours: cpu(median(folded.map((result) => result.cpuSecondsPerMillionPoints))),
        peer: `redis-server ${cpu(median(folded.map((result) => result.redisCpuSecondsPerMillionPoints)))}`,
        value: median(folded.map((result) => result.cpuSecondsPerMillionPoints)),
      },
    );
  }
  for (const result of onePerPublish) {
    rows.push({
      bench,
      figure: `  default agent, ${describeAgent(ONE_PER_PUBLISH)} (as the original), ${onePerPublishCount.toLocaleString('en-US')} msgs (points/s)`,
      ours: formatValue(result.pointsPerSecond, 'points/s'),
      peer: `limit: ${formatValue(limit, 'points/s')}`,
      ratio: formatRatio(result.pointsPerSecond, limit),
      value: result.pointsPerSecond,
    });
  }
  return rows;
}

runIfMain(import.meta.url, agentThroughputBench);
