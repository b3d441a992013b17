import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RedisChannel } from '../../src/channels/redis/redis-channel.js';
import { deadLetterBytes } from '../../src/channels/redis/dead-letter-record.js';
import { silentLogger } from '../unit/agent/helpers.js';
import { waitFor } from '../support/wait-for.js';
import { FAST_AGENT, sharedRedis, type TestChannelArgs } from './agent-rig.js';
import { bigMessage, startAgent, wireMessage } from './agent-bounds-support.js';

describe('kadabra agent process: memory bounded in bytes (4 MB messages, 64 MB heap)', () => {
  const shared = sharedRedis();

  async function deadLettersOf(args: TestChannelArgs, limit: number): Promise<Buffer[]> {
    const channel = new RedisChannel(args, silentLogger());
    try {
      const letters = await channel.deadLetters(limit);
      for (const letter of letters) {
        assert.match(letter.reason, /message of \d+ bytes is over the maximum of 1048576 bytes \(AGENT_MESSAGE_MAX_BYTES\)/);
      }
      return letters.map(deadLetterBytes);
    } finally {
      await channel.close();
    }
  }

  for (const type of ['default', 'batched'] as const) {
    it(`${type}: 4 MB messages with a 64 MB heap: the agent survives, they are dead-lettered whole with the reason, the others are published`, async () => {
      const args = shared.channelArgs('big');
      const bigs = Array.from({ length: 8 }, (_, i) => bigMessage(`${type}${i}`));
      const names = Array.from({ length: 9 }, (_, i) => `o${i}`);
      // Oldest first: o0, big0, o1, big1, ... o8.
      for (const [i, name] of names.entries()) {
        await shared.redis.lpush(args.queue_key, wireMessage(name));
        const big = bigs[i];
        if (big) await shared.redis.lpush(args.queue_key, big);
      }
      const agent = startAgent(
        { ...FAST_AGENT, AGENT_TYPE: type, AGENT_CHANNEL_ARGS: args, AGENT_RECEIVER_MAX_BATCH_SIZE: 250 },
        ['--max-old-space-size=64'],
      );
      try {
        await waitFor(
          async () => names.every((name) => agent.publishedNames().includes(name)) && (await shared.redis.llen(args.dead_key)) === bigs.length,
          'ordinary messages published and the big ones dead-lettered', 30_000, () => agent.describe(),
        );
        agent.kill('SIGTERM');
        const { code } = await agent.exited;
        assert.equal(code, 0, `the agent survived and stopped cleanly\n${agent.describe()}`);
        assert.doesNotMatch(agent.stderr, /heap out of memory/);
        assert.equal(await shared.redis.llen(args.queue_key), 0);
        assert.equal(await shared.redis.llen(args.inprogress_key), 0);
        const kept = await deadLettersOf(args, 20);
        assert.equal(kept.length, bigs.length);
        for (const big of bigs) assert.ok(kept.some((bytes) => bytes.equals(big)), 'each dead letter keeps its message whole');
        assert.ok(!agent.publishedNames().some((name) => name.startsWith('big-')), 'no big message was published');
      } finally {
        await agent.dispose();
      }
    });

    it(`${type}: 4 MB messages left in progress by an old agent: the nanny dead-letters them unread, republishes the others`, async () => {
      const args = shared.channelArgs('big-nanny');
      const bigs = Array.from({ length: 6 }, (_, i) => bigMessage(`left${type}${i}`));
      for (const [i, big] of bigs.entries()) {
        await shared.redis.lpush(args.inprogress_key, wireMessage(`n${i}`));
        await shared.redis.lpush(args.inprogress_key, big);
      }
      const agent = startAgent({ ...FAST_AGENT, AGENT_TYPE: type, AGENT_CHANNEL_ARGS: args }, ['--max-old-space-size=64']);
      try {
        await waitFor(
          async () => (await shared.redis.llen(args.inprogress_key)) === 0 && (await shared.redis.llen(args.dead_key)) === bigs.length,
          'in-progress emptied', 30_000, () => agent.describe(),
        );
        const published = agent.publishedNames();
        for (let i = 0; i < bigs.length; i += 1) assert.ok(published.includes(`n${i}`), `n${i} republished`);
        agent.kill('SIGTERM');
        const { code } = await agent.exited;
        assert.equal(code, 0, agent.describe());
        const kept = await deadLettersOf(args, 20);
        for (const big of bigs) assert.ok(kept.some((bytes) => bytes.equals(big)));
      } finally {
        await agent.dispose();
      }
    });
  }
});
