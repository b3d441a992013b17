import { readFileSync, readdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createLogger } from '../src/logging/logger.js';
import { PostgresPublisher } from '../src/publishers/postgres/postgres-publisher.js';
import { copyRows, POINT_COLUMNS } from '../src/publishers/postgres/postgres-rows.js';
import { decodeMetrics } from '../src/wire/codec.js';
import { startPostgresServer, type PostgresServerHandle } from '../test/support/postgres-server.js';
import { AGENT_CONFIGS, describeAgent } from './support/agent-configs.js';
import { benchChannel, typicalMessages } from './support/backlog.js';
import type { BenchContext } from './support/bench-context.js';
import { BenchAgent } from './support/bench-agent.js';
import { formatValue, shareOfLimitRow, type BenchRow } from './support/bench-row.js';
import { cpuSeconds } from './support/proc-sampler.js';
import { runIfMain } from './support/run-bench-main.js';
import { median } from './support/stats.js';
import { POINTS_PER_MESSAGE } from './support/typical-message.js';

/** Share of the limit the agent must reach. */
const TARGET_SHARE = 0.6;
/** Messages per COPY of the minimal writer: the batched agent's batch size. */
const LIMIT_MESSAGES_PER_COPY = 10_000;

/** CPU seconds of the postmaster and its children (the backends) now: what PostgreSQL used, while they live. */
function postgresCpu(postmaster: number): number {
  let total = cpuSeconds(postmaster) ?? 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === postmaster) total += cpuSeconds(Number(name)) ?? 0;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

async function postmasterPid(server: PostgresServerHandle): Promise<number> {
  const [row] = await server.query<{ dir: string }>("SELECT current_setting('data_directory') AS dir");
  return Number(readFileSync(`${row?.dir ?? ''}/postmaster.pid`, 'utf8').split('\n')[0]);
}

interface Run {
  readonly pointsPerSecond: number;
  readonly agentCpuSecondsPerMillionPoints: number;
  readonly postgresCpuSecondsPerMillionPoints: number;
}

/** A fresh database with the table made by the publisher's own setup, ready for `work`. */
async function withFreshTable<T>(server: PostgresServerHandle, work: (database: string) => Promise<T>): Promise<T> {
  const database = await server.createDatabase();
  const publisher = new PostgresPublisher({ args: { url: server.url(database), create_schema: true }, logger: createLogger({ level: 'silent' }) });
  await publisher.prepare();
  await publisher.close();
  try {
    return await work(database);
  } finally {
    await server.query(`DROP DATABASE "${database}" WITH (FORCE)`);
  }
}

const countRows = async (server: PostgresServerHandle, database: string): Promise<number> =>
  Number((await server.query<{ n: string }>('SELECT count(*) AS n FROM kadabra_points', [], database))[0]?.n ?? 0);

/** The limit: the agent's very rows, made beforehand, COPYed straight into the table (staging and INSERT ... SELECT included, as the agent does). */
async function limitRun(server: PostgresServerHandle, postmaster: number, chunks: readonly string[], points: number): Promise<Run> {
  return withFreshTable(server, async (database) => {
    const client = new pg.Client({ connectionString: server.url(database) });
    await client.connect();
    try {
      const columns = POINT_COLUMNS.join(', ');
      await client.query(`CREATE TEMP TABLE staging (LIKE kadabra_points) ON COMMIT DELETE ROWS`);
      const cpuBefore = postgresCpu(postmaster);
      const start = performance.now();
      for (const chunk of chunks) {
        await client.query('BEGIN');
        await pipeline(Readable.from([chunk]), client.query(copyFrom(`COPY staging (${columns}) FROM STDIN`)));
        await client.query(`INSERT INTO kadabra_points (${columns}) SELECT ${columns} FROM staging ON CONFLICT DO NOTHING`);
        await client.query('COMMIT');
      }
      const seconds = (performance.now() - start) / 1000;
      const postgres = postgresCpu(postmaster) - cpuBefore;
      if ((await countRows(server, database)) !== points) throw new Error('the limit writer did not store every row');
      return { pointsPerSecond: points / seconds, agentCpuSecondsPerMillionPoints: Number.NaN, postgresCpuSecondsPerMillionPoints: (postgres / points) * 1e6 };
    } finally {
      await client.end();
    }
  });
}

async function agentRun(context: BenchContext, server: PostgresServerHandle, postmaster: number, redis: Redis, messages: readonly string[], points: number): Promise<Run> {
  return withFreshTable(server, async (database) => {
    const channel = benchChannel('postgres');
    await channel.stage(redis, messages);
    const agent = new BenchAgent({
      servers: context.servers,
      channel,
      database,
      publisher: { type: 'postgres', args: { url: server.url(database), timeout: 60 } },
      config: AGENT_CONFIGS.batched,
    });
    try {
      await agent.ready();
      const agentBefore = cpuSeconds(agent.pid) ?? 0;
      const postgresBefore = postgresCpu(postmaster);
      const start = performance.now();
      await channel.release(redis);
      while ((await channel.pending(redis)) > 0) {
        agent.checkAlive();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // Completed only once committed: every row is in the table now.
      const seconds = (performance.now() - start) / 1000;
      const agentCpu = (cpuSeconds(agent.pid) ?? agentBefore) - agentBefore;
      const postgres = postgresCpu(postmaster) - postgresBefore;
      const stored = await countRows(server, database);
      if (stored !== points) throw new Error(`the agent stored ${stored} rows of ${points}\n${agent.describe()}`);
      return { pointsPerSecond: points / seconds, agentCpuSecondsPerMillionPoints: (agentCpu / points) * 1e6, postgresCpuSecondsPerMillionPoints: (postgres / points) * 1e6 };
    } finally {
      await agent.stop();
      await channel.remove(redis);
    }
  });
}

/** The batched agent into PostgreSQL against a minimal COPY writer of the same rows into the same table, on one private cluster. */
export async function postgresThroughputBench(context: BenchContext): Promise<BenchRow[]> {
  const count = context.smoke ? 1_000 : 200_000;
  const runs = context.smoke ? 1 : 3;
  const points = count * POINTS_PER_MESSAGE;
  const messages = typicalMessages(count);
  // The limit writer's rows: exactly what the agent writes (identity: each message's place).
  const chunks: string[] = [];
  for (let i = 0; i < messages.length; i += LIMIT_MESSAGES_PER_COPY) {
    chunks.push(messages.slice(i, i + LIMIT_MESSAGES_PER_COPY).map((text, j) => copyRows(decodeMetrics(text), { id: String(i + j), shard: '' })).join(''));
  }
  const server = await startPostgresServer();
  const redis = new Redis({ host: '127.0.0.1', port: context.servers.redisPort });
  const limits: Run[] = [];
  const agents: Run[] = [];
  try {
    const postmaster = await postmasterPid(server);
    for (let run = 0; run < runs; run += 1) {
      limits.push(await limitRun(server, postmaster, chunks, points));
      context.log(`postgres-throughput: limit run ${run}: ${Math.round(limits.at(-1)?.pointsPerSecond ?? 0)} points/s`);
      agents.push(await agentRun(context, server, postmaster, redis, messages, points));
      context.log(`postgres-throughput: agent run ${run}: ${Math.round(agents.at(-1)?.pointsPerSecond ?? 0)} points/s`);
    }
  } finally {
    redis.disconnect();
    await server.dispose();
  }
  const pick = (results: readonly Run[], key: keyof Run): number => median(results.map((result) => result[key]));
  const limit = pick(limits, 'pointsPerSecond');
  const rate = pick(agents, 'pointsPerSecond');
  const cpu = (value: number): string => formatValue(value, 'CPU s');
  const bench = 'postgres-throughput';
  return [
    {
      bench,
      figure: `limit: ${count.toLocaleString('en-US')} msgs' rows COPYed by a minimal writer, ${LIMIT_MESSAGES_PER_COPY.toLocaleString('en-US')} msgs a COPY (points/s)`,
      ours: formatValue(limit, 'points/s'),
      value: limit,
    },
    { bench, figure: '  limit: postgres CPU per million points', ours: cpu(pick(limits, 'postgresCpuSecondsPerMillionPoints')), value: pick(limits, 'postgresCpuSecondsPerMillionPoints') },
    shareOfLimitRow(
      bench,
      `batched agent (${describeAgent(AGENT_CONFIGS.batched)}) into PostgreSQL, ${count.toLocaleString('en-US')} msgs until committed (points/s)`,
      rate,
      limit,
      TARGET_SHARE,
    ),
    {
      bench,
      figure: '  agent CPU per million points',
      ours: cpu(pick(agents, 'agentCpuSecondsPerMillionPoints')),
      peer: `postgres ${cpu(pick(agents, 'postgresCpuSecondsPerMillionPoints'))}`,
      value: pick(agents, 'agentCpuSecondsPerMillionPoints'),
    },
  ];
}

runIfMain(import.meta.url, postgresThroughputBench);
