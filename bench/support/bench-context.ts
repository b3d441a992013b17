import { startInfluxDB } from '../../test/support/influxdb-server.js';
import { startRedisServer } from '../../test/support/redis-server.js';
import { childPids, cpuPlan, pinChildren } from './pin.js';

/** The servers every benchmark of one run shares. */
export interface BenchServers {
  /** redis-server on 127.0.0.1. */
  readonly redisPort: number;
  /** `http://127.0.0.1:<port>` of influxd (1.x). */
  readonly influxUrl: string;
  /** `taskset -c` list influxd is pinned to, when it is. */
  readonly influxCpus?: string;
  /** `taskset -c` list redis-server is pinned to and the agent is to be pinned to, when pinned. */
  readonly agentCpus?: string;
  /** Process ids, to read the servers' CPU time from /proc. */
  readonly redisPid?: number;
  readonly influxPid?: number;
}

/** What a benchmark is given. */
export interface BenchContext {
  /** Tiny sizes: proves the benchmark runs, its figures mean nothing. */
  readonly smoke: boolean;
  readonly servers: BenchServers;
  /** Progress, on standard error. */
  log(message: string): void;
}

/** The environment variable that hands the servers of `run.ts` to a benchmark process. */
export const SERVERS_ENV = 'KADABRA_BENCH_SERVERS';

/** Servers started for a run, and how to stop them. */
export interface StartedServers {
  readonly servers: BenchServers;
  dispose(): Promise<void>;
}

/**
 * Starts redis-server and influxd on free loopback ports; on a machine with two or more
 * cores, pins influxd to the last core and redis-server to the first (where the agent
 * goes too), as the issue asks: influxd alone, the agent and Redis sharing a host core.
 */
export async function startBenchServers(): Promise<StartedServers> {
  const redis = await startRedisServer();
  const influx = await startInfluxDB().catch(async (error: unknown) => {
    await redis.dispose();
    throw error;
  });
  const plan = cpuPlan();
  let servers: BenchServers = {
    redisPort: redis.port,
    influxUrl: influx.url,
    redisPid: childPids('redis-server')[0],
    influxPid: childPids('influxd')[0],
  };
  if (plan.influx !== undefined && plan.rest !== undefined) {
    const pinned = pinChildren('influxd', plan.influx) + pinChildren('redis-server', plan.rest);
    if (pinned === 2) servers = { ...servers, influxCpus: plan.influx, agentCpus: plan.rest };
  }
  return {
    servers,
    dispose: async () => {
      await Promise.allSettled([redis.dispose(), influx.dispose()]);
    },
  };
}

/** The servers handed over by `run.ts`, if any. */
export function serversFromEnvironment(): BenchServers | undefined {
  const text = process.env[SERVERS_ENV];
  return text === undefined || text === '' ? undefined : (JSON.parse(text) as BenchServers);
}
