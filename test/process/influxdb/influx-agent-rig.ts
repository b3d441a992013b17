import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { fileFixture } from '../../support/file-fixture.js';
import { startInfluxDB, type InfluxDBServerHandle } from '../../support/influxdb-server.js';
import { runNode } from '../../support/node-child.js';
import { startRedisServer, uniqueKeys, type RedisServerHandle } from '../../support/redis-server.js';
import { waitFor } from '../../support/wait-for.js';
import type { TestChannelArgs } from '../agent-rig.js';

/** The two agent types every delivery test runs with. */
export const AGENT_TYPES = ['default', 'batched'] as const;

/** An agent type. */
export type AgentType = (typeof AGENT_TYPES)[number];

/** A redis-server and an influxd shared by one test file. */
export interface SharedServers {
  readonly redis: RedisServerHandle;
  readonly influx: InfluxDBServerHandle;
}

/** Starts a redis-server and an influxd (both at once) before the file's tests and disposes of them after. */
export function sharedServers(): SharedServers {
  const shared = fileFixture(
    async () => {
      const [redis, influx] = await Promise.all([startRedisServer(), startInfluxDB()]);
      return { redis, influx };
    },
    ({ redis, influx }) => Promise.all([redis.dispose(), influx.dispose()]),
  );
  return {
    get redis() {
      return shared().redis;
    },
    get influx() {
      return shared().influx;
    },
  };
}

/** Channel arguments for a test server with this test's own keys. */
export function channelArgs(port: number, prefix: string): TestChannelArgs {
  return { host: '127.0.0.1', port, ...uniqueKeys(prefix) };
}

/**
 * Configuration of a `kadabra agent` publishing to `database` of a test influxd, with
 * short nanny and batch intervals so the tests run in seconds.
 */
export function influxAgentConfig(
  type: AgentType,
  channel: TestChannelArgs,
  influx: InfluxDBServerHandle,
  database: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    AGENT_TYPE: type,
    AGENT_CHANNEL_ARGS: channel,
    AGENT_PUBLISHER_TYPE: 'influxdb',
    AGENT_PUBLISHER_ARGS: { host: '127.0.0.1', port: influx.port, database, timeout: 2 },
    AGENT_NANNY_FREQUENCY_SECONDS: 1,
    AGENT_NANNY_THRESHOLD_SECONDS: 2,
    BATCHED_AGENT_INTERVAL_SECONDS: 0.2,
    ...extra,
  };
}

/** `COUNT(value)`, `SUM(value)` and `COUNT(DISTINCT(value))` of one measurement (zeros when it has no points). */
export async function countAndSum(
  influx: InfluxDBServerHandle,
  database: string,
  measurement: string,
): Promise<{ count: number; sum: number; distinct: number }> {
  const result = await influx.query(
    `SELECT COUNT("value"), SUM("value") FROM "${measurement}"; SELECT COUNT(DISTINCT("value")) FROM "${measurement}"`,
    database,
  );
  for (const statement of result.results) {
    if (statement.error !== undefined) throw new Error(statement.error);
  }
  const totals = result.results[0]?.series?.[0]?.values?.[0];
  const distinct = result.results[1]?.series?.[0]?.values?.[0];
  return { count: Number(totals?.[1] ?? 0), sum: Number(totals?.[2] ?? 0), distinct: Number(distinct?.[1] ?? 0) };
}

/** Waits until the queue and the in-progress list of `channel` are both empty. */
export async function waitForDrained(redis: Redis, channel: TestChannelArgs, what: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    async () => (await redis.llen(channel.queue_key)) + (await redis.llen(channel.inprogress_key)) === 0,
    `${what}: queue and in-progress empty`,
    timeoutMs,
  );
}

const SENDER = fileURLToPath(new URL('./sender.js', import.meta.url));

/** What `sender.ts` sends; see there. */
export interface SenderOptions {
  readonly count: number;
  /** Counter name. */
  readonly measurement: string;
  /** Milliseconds between sends; 0: as fast as possible. */
  readonly intervalMs: number;
  /** `ones`: every value 1; `sequence`: values `first`, `first + 1`, ... */
  readonly values: 'ones' | 'sequence';
  readonly first?: number;
  /** Epoch milliseconds to busy-wait for before sending (to overlap several senders). */
  readonly startAt?: number;
}

/** What a sender process reports (the client's `close()` stats). */
export interface SenderReport {
  readonly sent: number;
  readonly sum: number;
  readonly delivered: number;
  readonly dropped: number;
}

/** Runs `sender.ts` as its own process with the Kadabra client pointed at `channel`. */
export async function runSender(channel: TestChannelArgs, options: SenderOptions): Promise<SenderReport> {
  const argv = [
    SENDER,
    String(options.count),
    options.measurement,
    String(options.intervalMs),
    options.values,
    String(options.first ?? 1),
    String(options.startAt ?? 0),
  ];
  const run = await runNode(argv, { KADABRA_CLIENT_CHANNEL_ARGS: JSON.stringify(channel), KADABRA_CLIENT_LOG_LEVEL: 'error' });
  if (run.code !== 0) throw new Error(`sender exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as SenderReport;
}
