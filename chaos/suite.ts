import type { Profile } from './profile.js';
import type { Row } from './row.js';
import { ScenarioRun } from './scenario-run.js';
import { agentKilled } from './scenarios/agent-killed.js';
import { allAtOnce } from './scenarios/all-at-once.js';
import { appDuringOutage } from './scenarios/app-during-outage.js';
import { backlog } from './scenarios/backlog.js';
import { clusterFailover } from './scenarios/cluster-failover.js';
import { influxOutage } from './scenarios/influx-outage.js';
import { influxSlow } from './scenarios/influx-slow.js';
import { malformedMessages } from './scenarios/malformed-messages.js';
import { postgresAgentKilled } from './scenarios/postgres-agent-killed.js';
import { postgresOutage } from './scenarios/postgres-outage.js';
import { prometheusAgentKilled, prometheusRedisRestarts } from './scenarios/prometheus-rows.js';
import { redisRestarts } from './scenarios/redis-restarts.js';
import type { Scenario } from './scenarios/scenario.js';
import { setupWrong } from './scenarios/setup-wrong.js';
import { tenantRefused } from './scenarios/tenant-refused.js';
import { twoAgents } from './scenarios/two-agents.js';
import type { ChaosChannelType } from './support/chaos-channel.js';
import type { Environment } from './support/environment.js';

/**
 * Every scenario, each alone, then all at once; then the rows that publish into
 * PostgreSQL, those with the Prometheus publisher, and the Redis Cluster failover rows
 * (streams channel only).
 */
export const SCENARIOS: readonly Scenario[] = [
  agentKilled,
  influxOutage,
  redisRestarts,
  influxSlow,
  malformedMessages,
  backlog('default'),
  backlog('batched'),
  twoAgents,
  appDuringOutage,
  setupWrong,
  tenantRefused,
  allAtOnce,
  postgresAgentKilled,
  postgresOutage,
  prometheusAgentKilled,
  prometheusRedisRestarts,
  clusterFailover(1),
  clusterFailover(0),
];

/** The scenarios of `scenarios` that run on a channel of `channelType`. */
export function scenariosOn(channelType: ChaosChannelType, scenarios: readonly Scenario[] = SCENARIOS): Scenario[] {
  return scenarios.filter((scenario) => scenario.channelTypes?.includes(channelType) ?? true);
}

/** A scenario's title in its row: on the list channel as it is, on another with the type. */
export function rowTitle(scenario: Scenario, channelType: ChaosChannelType): string {
  return channelType === 'redis' ? scenario.title : `${scenario.title} [${channelType}]`;
}

/**
 * Runs one scenario on `env`, on a channel of `channelType`, and reconciles it into a
 * row. A scenario that throws gives a failed row; the shared servers are healed
 * (started, proxy undelayed) either way.
 */
export async function runScenario(
  env: Environment,
  profile: Profile,
  scenario: Scenario,
  log: (text: string) => void = () => undefined,
  channelType: ChaosChannelType = 'redis',
): Promise<Row> {
  const store = await env.store(scenario.store ?? 'influxdb');
  const channel = await scenario.channel?.();
  const run = new ScenarioRun(rowTitle(scenario, channelType), env, profile, log, channelType, store, channel);
  const started = Date.now();
  run.step('starting');
  try {
    await store.prepare(run.database);
    await scenario.run(run);
    const row = await run.finish();
    run.step(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return row;
  } catch (error) {
    run.step(`crashed: ${String(error)}`);
    run.failures.push(`the scenario crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return {
      scenario: run.name,
      sent: 0,
      stored: 0,
      lost: 0,
      doubled: 0,
      republished: 0,
      rewritten: 0,
      failedAttempts: 0,
      deadLettered: 0,
      dropped: 0,
      droppedStored: 0,
      redisLost: 0,
      drainSeconds: 0,
      notes: run.notes,
      failures: run.failures,
    };
  } finally {
    env.proxy.setAnswerDelay(0);
    env.proxy.refuseWrites(undefined);
    env.postgres?.proxy.setAnswerDelay(0);
    await run.dispose();
    await heal(env);
  }
}

/** Starts whatever server a crashed scenario left stopped. */
async function heal(env: Environment): Promise<void> {
  if ((await env.inspector.ping().catch(() => 'down')) !== 'PONG') await env.redis.restart();
  const influxUp = await fetch(`${env.influx.url}/ping`).then((r) => r.status === 204, () => false);
  if (!influxUp) await env.influx.start();
  if (env.postgres && !(await env.postgres.server.query('SELECT 1').then(() => true, () => false))) await env.postgres.server.start();
}
