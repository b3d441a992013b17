import type { Redis } from 'ioredis';
import { counterWholeUnits } from '../../test/support/prometheus-totals.js';
import { benchChannel, type BenchChannel, type BenchChannelType } from './backlog.js';
import type { BenchContext } from './bench-context.js';
import { BenchAgent } from './bench-agent.js';
import { dropDatabase, freshDatabase, waitForPoints } from './influx-http.js';
import { cpuSeconds, RssSampler, ServerCpu } from './proc-sampler.js';
import { POINTS_PER_MESSAGE, TYPICAL_MEASUREMENTS } from './typical-message.js';

/** One agent draining one backlog. */
export interface DrainResult {
  /** From releasing the backlog until every point was counted in InfluxDB. */
  readonly seconds: number;
  readonly pointsPerSecond: number;
  /** The agent's user + system CPU meanwhile, per million points. */
  readonly cpuSecondsPerMillionPoints: number;
  /** Highest VmRSS sampled meanwhile. */
  readonly peakRssMb: number;
  /** redis-server's and influxd's CPU meanwhile, per million points (NaN when unknown). */
  readonly redisCpuSecondsPerMillionPoints: number;
  readonly influxCpuSecondsPerMillionPoints: number;
}

/** How to fill the backlog: the messages themselves, or batches of them made on demand (big backlogs). */
export type BacklogSource = readonly string[] | { readonly count: number; batches(): Iterable<readonly string[]> };

/** The Prometheus publisher: every point is counted once its message is completed. */
export const PROMETHEUS_PUBLISHER = { type: 'prometheus', args: {} } as const;

/**
 * The `requests` counter's total in a Prometheus agent's state (`<queue or stream key>:state:prometheus`):
 * how many typical messages it counted.
 */
async function requestsCounted(redis: Redis, channel: BenchChannel): Promise<bigint> {
  const key = `${channel.args['queue_key'] ?? channel.args['stream_key']}:state:prometheus`;
  const totals = Object.entries(await redis.hgetall(key)).map(([name, value]) => [name, BigInt(value)] as const);
  return counterWholeUnits(totals, 'requests');
}

/**
 * Stages `backlog` in Redis, starts an agent with `config` on a channel of `channelType`
 * (or on `channel`, one made by the caller) and waits for it to be ready, releases the
 * backlog at once, and measures until the channel holds nothing queued or in progress and
 * InfluxDB counts every point; with the Prometheus publisher (`PROMETHEUS_PUBLISHER`),
 * until the channel holds nothing (a message's points are counted in the step that
 * completes it), checked afterwards.
 */
export async function drainWithAgent(
  context: BenchContext,
  redis: Redis,
  name: string,
  backlog: BacklogSource,
  config: Readonly<Record<string, unknown>>,
  channelType: BenchChannelType | BenchChannel = 'redis',
  publisher?: typeof PROMETHEUS_PUBLISHER,
): Promise<DrainResult> {
  const channel = typeof channelType === 'string' ? benchChannel(name, channelType) : channelType;
  const database = `bench_${name.replace(/\W/g, '_')}`;
  const count = 'count' in backlog ? backlog.count : backlog.length;
  for (const batch of 'batches' in backlog ? backlog.batches() : [backlog]) await channel.stage(redis, batch);
  if (!publisher) await freshDatabase(context.servers.influxUrl, database);
  const profileDir = process.env['KADABRA_BENCH_CPU_PROF'];
  const extraFlags = process.env['KADABRA_BENCH_NODE_FLAGS']?.split(' ').filter((flag) => flag !== '') ?? [];
  const agent = new BenchAgent({
    servers: context.servers,
    channel,
    database,
    ...(publisher ? { publisher } : {}),
    config,
    nodeFlags: [...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []), ...extraFlags],
  });
  try {
    await agent.ready();
    const cpuBefore = cpuSeconds(agent.pid) ?? 0;
    const servers = new ServerCpu(context);
    const rss = new RssSampler(agent.pid);
    const start = performance.now();
    await channel.release(redis);
    const expected = count * POINTS_PER_MESSAGE;
    const timeoutMs = context.smoke ? 60_000 : 3_600_000;
    while ((await channel.pending(redis)) > 0) {
      agent.checkAlive();
      if (performance.now() - start > timeoutMs) throw new Error(`${name}: backlog not drained in time\n${agent.describe()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const end = publisher
      ? performance.now()
      : await waitForPoints(context.servers.influxUrl, database, TYPICAL_MEASUREMENTS, expected, 120_000);
    const cpu = (cpuSeconds(agent.pid) ?? cpuBefore) - cpuBefore;
    const { redis: redisCpu, influx: influxCpu } = servers.used();
    const peakRssMb = rss.stop();
    if (extraFlags.length > 0) context.log(`${name}: agent output (node ${extraFlags.join(' ')}):\n${agent.describe()}`);
    const seconds = (end - start) / 1000;
    if (publisher && (await requestsCounted(redis, channel)) !== BigInt(count)) {
      throw new Error(`${name}: the Prometheus totals count ${await requestsCounted(redis, channel)} messages, not ${count}\n${agent.describe()}`);
    }
    const perMillion = (value: number): number => (value / expected) * 1e6;
    return {
      seconds,
      pointsPerSecond: expected / seconds,
      cpuSecondsPerMillionPoints: perMillion(cpu),
      peakRssMb,
      redisCpuSecondsPerMillionPoints: perMillion(redisCpu),
      influxCpuSecondsPerMillionPoints: perMillion(influxCpu),
    };
  } finally {
    await agent.stop();
    await channel.remove(redis);
    if (!publisher) await dropDatabase(context.servers.influxUrl, database);
  }
}
