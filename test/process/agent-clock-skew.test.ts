import assert from 'node:assert/strict';
import { hash } from 'node:crypto';
import { describe, it } from 'node:test';
import { AgentProcess, CLI, writeConfig } from '../support/agent-process.js';
import { waitFor } from '../support/wait-for.js';
import { FAST_AGENT, sharedRedis } from './agent-rig.js';
import { SKEW_CLOCK, startAgent, startHungServer, wireMessage } from './agent-bounds-support.js';

describe('kadabra agent process: "stuck" judged by the server\'s clock', () => {
  const shared = sharedRedis();

  it('an agent whose clock runs an hour fast, SIGKILLed holding 3 messages: a healthy agent\'s nanny republishes them after its threshold', async () => {
    const args = shared.channelArgs('skew');
    const hung = await startHungServer();
    const names = ['s0', 's1', 's2'];
    for (const name of names) await shared.redis.lpush(args.queue_key, wireMessage(name));
    const skewed = startAgent(
      {
        ...FAST_AGENT,
        AGENT_CHANNEL_ARGS: args,
        AGENT_RECEIVER_THREADS: 3,
        AGENT_PUBLISHER_TYPE: 'influxdb',
        AGENT_PUBLISHER_ARGS: { host: '127.0.0.1', port: hung.port, timeout: 60 },
      },
      ['--import', SKEW_CLOCK],
    );
    let healthy: AgentProcess | undefined;
    try {
      await waitFor(
        async () => (await shared.redis.llen(args.inprogress_key)) === 3 && (await shared.redis.hlen(`${args.inprogress_key}:entered`)) === 3,
        'three messages held and recorded', 15_000, () => skewed.describe(),
      );
      skewed.kill('SIGKILL');
      await skewed.exited;

      const status = new AgentProcess([CLI, 'status', '--json', '--config', writeConfig({ AGENT_CHANNEL_ARGS: args })]);
      await status.exited;
      const report = JSON.parse(status.stdout) as { oldestInProgressAgeSeconds: number };
      assert.ok(
        report.oldestInProgressAgeSeconds >= 0 && report.oldestInProgressAgeSeconds < 60,
        `age by the server's clock: ${report.oldestInProgressAgeSeconds} s`,
      );

      healthy = startAgent({
        ...FAST_AGENT,
        AGENT_CHANNEL_ARGS: args,
        AGENT_NANNY_FREQUENCY_SECONDS: 0.5,
        AGENT_NANNY_THRESHOLD_SECONDS: 3,
      });
      const current = healthy;
      await waitFor(
        async () => names.every((name) => current.publishedNames().includes(name)) && (await shared.redis.llen(args.inprogress_key)) === 0,
        'the healthy agent\'s nanny republished the three', 20_000, () => current.describe(),
      );
    } finally {
      await skewed.dispose();
      await healthy?.dispose();
      await hung.close();
    }
  });

  it('kadabra status shows an entry time in the server\'s future as what it is, not as 0 s', async () => {
    const args = shared.channelArgs('future');
    await shared.redis.lpush(args.inprogress_key, wireMessage('f0'));
    const [seconds] = await shared.redis.time();
    const digest = hash('sha1', wireMessage('f0'), 'hex');
    // As an agent whose clock ran an hour fast recorded it before entry times came from the server.
    await shared.redis.hset(`${args.inprogress_key}:entered`, digest, String((Number(seconds) + 3600) * 1000));
    const status = new AgentProcess([CLI, 'status', '--config', writeConfig({ AGENT_CHANNEL_ARGS: args })]);
    const { code } = await status.exited;
    assert.equal(code, 0, status.describe());
    assert.match(status.stdout, /in progress: {2}1 \(oldest entered 3[56]\d\d\.\d s in the future by the channel's clock/);
    assert.doesNotMatch(status.stdout, /oldest for 0\.0 s/);
  });
});
