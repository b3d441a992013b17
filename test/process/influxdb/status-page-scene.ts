// An agent publishing from a real redis-server (password on) to a real influxd
// (authentication on, credentials in the URL too) with its HTTP listener, a token and
// the status page on: what the page's browser test and scripts/status-page-screenshot.ts
// look at.
import { AgentProcess, CLI, writeConfig } from '../../support/agent-process.js';
import { INFLUX_ADMIN, startInfluxDB, uniqueDatabase, type InfluxDBServerHandle } from '../../support/influxdb-server.js';
import { startRedisServer, uniqueKeys, type RedisServerHandle } from '../../support/redis-server.js';
import type { TestChannelArgs } from '../agent-rig.js';
import { runSender, type SenderReport } from './influx-agent-rig.js';

export const REDIS_PASSWORD = 'redis-pw-page-4f1c';
export const HTTP_TOKEN = 'http-token-page-8a3e';

/** The measurement another tool made a string field of, so Kadabra's counters of it are dead-lettered. */
export const CONFLICT_MEASUREMENT = 'conflict';

/** A running scene; `dispose` ends it all. */
export interface StatusPageScene {
  readonly redis: RedisServerHandle;
  readonly influx: InfluxDBServerHandle;
  readonly agent: AgentProcess;
  readonly channel: TestChannelArgs;
  readonly database: string;
  /** `http://127.0.0.1:<port>` of the agent's listener. */
  readonly base: string;
  /** Every credential configured: none may appear in an answer or on the page. */
  readonly secrets: readonly string[];
  /** Sends `count` counters named `measurement` through a Kadabra client process, `intervalMs` apart. */
  send(measurement: string, count: number, intervalMs: number): Promise<SenderReport>;
  dispose(): Promise<void>;
}

/** Starts the servers and the agent; resolves once its listener is up. */
export async function startStatusPageScene(): Promise<StatusPageScene> {
  const [redis, influx] = await Promise.all([startRedisServer({ password: REDIS_PASSWORD }), startInfluxDB({ auth: true })]);
  let agent: AgentProcess | undefined;
  try {
    const database = uniqueDatabase('page');
    await influx.createDatabase(database);
    const conflict = await influx.write(database, `${CONFLICT_MEASUREMENT} value="a string"`);
    if (conflict.status !== 204) throw new Error(`writing the conflicting point failed: ${conflict.status} ${conflict.body}`);
    const channel: TestChannelArgs = { host: '127.0.0.1', port: redis.port, password: REDIS_PASSWORD, ...uniqueKeys('page') };
    const configFile = writeConfig({
      AGENT_CHANNEL_ARGS: channel,
      AGENT_PUBLISHER_TYPE: 'influxdb',
      AGENT_PUBLISHER_ARGS: {
        url: `http://${INFLUX_ADMIN.username}:${INFLUX_ADMIN.password}@127.0.0.1:${influx.port}`,
        username: INFLUX_ADMIN.username,
        password: INFLUX_ADMIN.password,
        database,
        timeout: 2,
      },
      AGENT_HTTP_PORT: 0,
      AGENT_HTTP_TOKEN: HTTP_TOKEN,
      // A refused message is held until the nanny publishes it again after other writes
      // succeeded (then it is dead-lettered): within seconds rather than a minute.
      AGENT_NANNY_FREQUENCY_SECONDS: 1,
      AGENT_NANNY_THRESHOLD_SECONDS: 2,
    });
    const started = new AgentProcess([CLI, 'agent', '--config', configFile]);
    agent = started;
    const listening = (line: { msg?: unknown }): boolean => String(line.msg).startsWith('agent HTTP listener on');
    await started.waitForLine(listening, 'the listener line', 30_000);
    const port = Number(started.lines.find(listening)?.['port']);
    return {
      redis,
      influx,
      agent: started,
      channel,
      database,
      base: `http://127.0.0.1:${port}`,
      secrets: [REDIS_PASSWORD, HTTP_TOKEN, INFLUX_ADMIN.password],
      send: (measurement, count, intervalMs) => runSender(channel, { count, measurement, intervalMs, values: 'ones' }),
      async dispose() {
        await started.dispose();
        await Promise.all([redis.dispose(), influx.dispose()]);
      },
    };
  } catch (error) {
    await agent?.dispose();
    await Promise.all([redis.dispose(), influx.dispose()]);
    throw error;
  }
}
