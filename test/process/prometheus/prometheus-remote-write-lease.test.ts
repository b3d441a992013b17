// Two agents with the Prometheus publisher's remote write on one channel, pushing into a
// real Prometheus 2.42: only the agent holding the lease pushes; when it is SIGKILLed the
// other takes the lease over and pushes the same totals, on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kadabra } from '../../../src/client/kadabra.js';
import { AgentProcess } from '../../support/agent-process.js';
import { startPrometheus, type PrometheusHandle } from '../../support/prometheus-server.js';
import { startRedisServer, uniqueKeys, type RedisServerHandle } from '../../support/redis-server.js';
import { waitFor } from '../../support/wait-for.js';
import { FAST_AGENT } from '../agent-rig.js';

const FIRST = 200;
const SECOND = 100;
const NAMES = ['a', 'b'] as const;

let redis: RedisServerHandle;
let prometheus: PrometheusHandle;
before(async () => {
  [redis, prometheus] = await Promise.all([startRedisServer(), startPrometheus({ remoteWriteReceiver: true })]);
});
after(async () => {
  await Promise.all([redis.dispose(), prometheus.dispose()]);
});

async function send(channelArgs: Record<string, unknown>, count: number): Promise<void> {
  const client = new Kadabra({ CLIENT_CHANNEL_ARGS: channelArgs, CLIENT_LOG_LEVEL: 'warn' });
  for (let i = 0; i < count; i += 1) {
    const metrics = client.metrics();
    metrics.setDimension('producer', 'lease-test');
    metrics.addCount('requests', 1);
    client.send(metrics.close());
  }
  assert.equal((await client.close()).delivered, count);
}

/** The agent labels (`remote_write_labels.agent`) of the series Prometheus holds. */
async function pushers(): Promise<string[]> {
  return (await prometheus.queryVector('count by (agent) (requests_total)')).map((one) => one.metric['agent'] ?? '').sort();
}

describe('remote write from two agents on one channel', () => {
  it('only the lease holder pushes; the other takes over when it is SIGKILLed', { timeout: 100_000 }, async () => {
    const channelArgs = { host: '127.0.0.1', port: redis.port, ...uniqueKeys('lease') };
    const agents = NAMES.map((name) =>
      AgentProcess.start({
        AGENT_CHANNEL_TYPE: 'redis',
        AGENT_CHANNEL_ARGS: channelArgs,
        AGENT_PUBLISHER_TYPE: 'prometheus',
        // Each agent labels what it pushes with its name, so Prometheus tells who pushed.
        AGENT_PUBLISHER_ARGS: {
          remote_write: [{ url: `${prometheus.url}/api/v1/write` }],
          remote_write_interval: 0.5,
          remote_write_labels: { agent: name },
        },
        AGENT_LOG_LEVEL: 'info',
        ...FAST_AGENT,
      }),
    );
    const logs = (): string => agents.map((agent, i) => `agent ${NAMES[i]}:\n${agent.stdout.slice(-3000)}`).join('\n');
    try {
      await Promise.all(agents.map((agent) => agent.waitUntilStarted()));
      await send(channelArgs, FIRST);
      let who: string[] = [];
      await waitFor(async () => ((await prometheus.queryValue('sum(requests_total)')) ?? 0) >= FIRST, `${FIRST} counted in Prometheus`, 30_000, logs, 100);
      // Several pushes later, still one agent's series only.
      await waitFor(
        async () => ((await prometheus.queryValue('max(count_over_time(requests_total[1m]))')) ?? 0) >= 6,
        'six pushes',
        30_000,
        logs,
        100,
      );
      who = await pushers();
      assert.equal(await prometheus.queryValue('sum(requests_total)'), FIRST);
      assert.equal(who.length, 1, `one agent pushed, not ${JSON.stringify(who)}`);
      const leader = NAMES.indexOf(who[0] as (typeof NAMES)[number]);
      const follower = 1 - leader;
      const [leaderProcess, followerProcess] = [agents[leader], agents[follower]];
      assert.ok(leaderProcess && followerProcess);
      assert.ok(leaderProcess.lines.some((line) => line.msg?.includes('this agent holds the remote-write lease') === true), logs());
      assert.ok(followerProcess.lines.some((line) => line.msg?.includes('this one stands by') === true), logs());

      leaderProcess.kill('SIGKILL');
      await leaderProcess.exited;
      await send(channelArgs, SECOND);
      const followerName = NAMES[follower] ?? '';
      await waitFor(
        async () => (await prometheus.queryValue(`sum(requests_total{agent="${followerName}"})`)) === FIRST + SECOND,
        `the follower to push all ${FIRST + SECOND}`,
        30_000,
        logs,
        100,
      );
      assert.deepEqual(await pushers(), [...NAMES].sort(), 'the follower pushed once the leader was gone');
      assert.equal(await prometheus.queryValue(`sum(requests_total{agent="${NAMES[leader] ?? ''}"})`), FIRST, 'the killed agent pushed what was counted while it lived');
      await followerProcess.stopCleanly();
    } finally {
      for (const agent of agents) if (agent.running) agent.kill('SIGKILL');
    }
  });
});
