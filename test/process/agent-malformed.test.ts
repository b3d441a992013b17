import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentProcess, runKadabra, writeConfig } from '../support/agent-process.js';
import { waitFor } from '../support/wait-for.js';
import { FAST_AGENT, redisClient, sendMessages, sharedRedis } from './agent-rig.js';

const JUNK = [
  'not json at all',
  '{"dimensions": [], "counters": [], "timers": []',
  '{"dimensions": [], "timers": [], "timestamp_format": "%Y-%m-%dT%H:%M:%S.%fZ"}',
  '{"dimensions": "prod", "counters": [], "timers": [], "timestamp_format": "%Y-%m-%dT%H:%M:%S.%fZ"}',
  '{"dimensions": [], "counters": [{"name": "n", "metadata": {}, "timestamp": "2024-01-02T03:04:05.123456Z", "value": NaN}], "timers": [], "timestamp_format": "%Y-%m-%dT%H:%M:%S.%fZ"}',
];

describe('kadabra agent process: malformed messages', () => {
  const shared = sharedRedis();

  for (const type of ['default', 'batched'] as const) {
    it(`${type}: good messages are published, junk is dead-lettered with its reason, the nanny keeps working`, async () => {
      const args = shared.channelArgs('junk');
      const redis = redisClient(shared.server.port);
      const agent = AgentProcess.start({ ...FAST_AGENT, AGENT_TYPE: type, AGENT_CHANNEL_ARGS: args });
      try {
        const first = await sendMessages(args, 20, 'before');
        await redis.lpush(args.queue_key, ...JUNK);
        const second = await sendMessages(args, 20, 'after');
        await waitFor(() => agent.publishedNames().length >= 40, 'good messages published', 15_000, () => agent.describe());
        await waitFor(async () => (await redis.llen(args.dead_key)) === JUNK.length, 'junk dead-lettered');
        assert.deepEqual(new Set(agent.publishedNames()), new Set([...first, ...second]));

        // Junk put straight into in-progress (another producer, a crash): the nanny must
        // dead-letter it and still republish the good stuck message next to it.
        const stuckGood = JSON.stringify({
          dimensions: [], counters: [{ name: 'stuck-good', metadata: {}, timestamp: '2024-01-02T03:04:05.123456Z', value: 1.0 }],
          timers: [], timestamp_format: '%Y-%m-%dT%H:%M:%S.%fZ',
        });
        await redis.rpush(args.inprogress_key, 'junk in progress', stuckGood);
        await waitFor(() => agent.publishedNames().includes('stuck-good'), 'nanny republished past the junk', 10_000, () => agent.describe());
        await waitFor(async () => (await redis.llen(args.inprogress_key)) === 0, 'in-progress drained');

        const config = writeConfig({ AGENT_CHANNEL_ARGS: args });
        const listed = runKadabra(['dead-letters', 'list', '--json', '--config', config]);
        assert.equal(listed.code, 0, listed.stderr);
        const letters = JSON.parse(listed.stdout) as { message: string; reason: string }[];
        assert.equal(letters.length, JUNK.length + 1);
        for (const junk of [...JUNK, 'junk in progress']) {
          const letter = letters.find((l) => l.message === junk);
          assert.ok(letter, `${junk} is in the dead-letter list`);
          assert.ok(letter.reason.length > 0);
        }

        const status = runKadabra(['status', '--json', '--config', config]);
        assert.equal(status.code, 0, status.stderr);
        assert.deepEqual(
          { ...JSON.parse(status.stdout), endpoint: undefined },
          { endpoint: undefined, queued: 0, inProgress: 0, oldestInProgressAgeSeconds: null, deadLetters: 6, deadLetterAlarmThreshold: 10_000, deadLetterAlarm: false },
        );

        await agent.stopCleanly();

        const requeued = runKadabra(['dead-letters', 'requeue', '--limit', '2', '--config', config]);
        assert.equal(requeued.code, 0, requeued.stderr);
        assert.match(requeued.stdout, /requeued 2 dead letter/);
        assert.equal(await redis.llen(args.queue_key), 2);
        const purged = runKadabra(['dead-letters', 'purge', '--config', config]);
        assert.match(purged.stdout, /purged 4 dead letter/);
        assert.equal(await redis.llen(args.dead_key), 0);
      } finally {
        await agent.dispose();
        await redis.quit();
      }
    });
  }
});
