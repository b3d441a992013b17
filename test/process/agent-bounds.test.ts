import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { RedisChannel } from '../../src/channels/redis/redis-channel.js';
import { deadLetterBytes } from '../../src/channels/redis/dead-letter-record.js';
import { silentLogger } from '../unit/agent/helpers.js';
import { startRedisServer, uniqueKeys, type RedisServerHandle } from '../support/redis-server.js';
import {
  AgentProcess,
  CLI,
  FAST_AGENT,
  namesInList,
  redisClient,
  waitUntil,
  writeConfig,
  type TestChannelArgs,
} from './agent-process.js';

/** Bound of the agent's exit after SIGTERM, whatever Redis or the database does. */
const EXIT_BOUND_MS = 5000;
/** The preloaded module that runs a process's clock one hour fast. */
const SKEW_CLOCK = resolve('dist/test/support/skew-clock.js');

/** A valid message with one counter named `name`. */
function wireMessage(name: string): string {
  return (
    `{"dimensions": [], "counters": [{"name": ${JSON.stringify(name)}, "metadata": {}, ` +
    '"timestamp": "2024-01-02T03:04:05.000001Z", "value": 1.0}], "timers": [], ' +
    '"timestamp_format": "%Y-%m-%dT%H:%M:%S.%fZ", "serialized_at": "2024-01-02T03:04:05.000002Z"}'
  );
}

/** A valid message of about 4 MB: 36,000 counters, heavy for an agent to decode and publish. */
function bigMessage(tag: string): Buffer {
  const counters: string[] = [];
  for (let i = 0; i < 36_000; i += 1) {
    counters.push(
      `{"name": "big-${tag}-${i}", "metadata": {"note": "${'n'.repeat(20)}"}, ` +
        `"timestamp": "2024-01-02T03:04:05.000001Z", "value": ${i}.0}`,
    );
  }
  return Buffer.from(
    `{"dimensions": [], "counters": [${counters.join(', ')}], "timers": [], ` +
      '"timestamp_format": "%Y-%m-%dT%H:%M:%S.%fZ", "serialized_at": "2024-01-02T03:04:05.000002Z"}',
  );
}

/** A TCP server that accepts connections and never answers: a hung InfluxDB. */
async function startHungServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}

/**
 * Sends SIGTERM; resolves with the exit, or rejects when the process still runs after
 * `ms`. Reports how long it took as a test diagnostic (a figure, not an assertion).
 */
async function terminateWithin(
  agent: AgentProcess,
  ms: number,
  report: (message: string) => void,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const started = Date.now();
  agent.kill('SIGTERM');
  void agent.exited.then(() => report(`exited ${Date.now() - started} ms after SIGTERM`));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the agent was still running ${ms} ms after SIGTERM\n${agent.describe()}`)), ms);
  });
  try {
    return await Promise.race([agent.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** `kadabra agent` run by node with extra node options (a small heap, a preloaded module). */
function startAgent(config: Record<string, unknown>, nodeOptions: string[] = []): AgentProcess {
  return new AgentProcess([], {}, [...nodeOptions, CLI, 'agent', '--config', writeConfig(config)]);
}

/** Each name's count in `names`. */
function counts(names: readonly string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const name of names) map.set(name, (map.get(name) ?? 0) + 1);
  return map;
}

describe('kadabra agent process: memory bounded in bytes, stop bounded in time, stuck judged by the server', () => {
  let server: RedisServerHandle;
  let redis: Redis;
  before(async () => {
    server = await startRedisServer();
    redis = redisClient(server.port);
  });
  after(async () => {
    redis.disconnect();
    await server.dispose();
  });

  const channelArgs = (prefix: string): TestChannelArgs => ({ host: '127.0.0.1', port: server.port, ...uniqueKeys(prefix) });

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
      const args = channelArgs('big');
      const bigs = Array.from({ length: 8 }, (_, i) => bigMessage(`${type}${i}`));
      const names = Array.from({ length: 9 }, (_, i) => `o${i}`);
      // Oldest first: o0, big0, o1, big1, ... o8.
      for (const [i, name] of names.entries()) {
        await redis.lpush(args.queue_key, wireMessage(name));
        const big = bigs[i];
        if (big) await redis.lpush(args.queue_key, big);
      }
      const agent = startAgent(
        { ...FAST_AGENT, AGENT_TYPE: type, AGENT_CHANNEL_ARGS: args, AGENT_RECEIVER_MAX_BATCH_SIZE: 250 },
        ['--max-old-space-size=64'],
      );
      try {
        await waitUntil(
          async () => names.every((name) => agent.publishedNames().includes(name)) && (await redis.llen(args.dead_key)) === bigs.length,
          'ordinary messages published and the big ones dead-lettered', 30_000, () => agent.describe(),
        );
        agent.kill('SIGTERM');
        const { code } = await agent.exited;
        assert.equal(code, 0, `the agent survived and stopped cleanly\n${agent.describe()}`);
        assert.doesNotMatch(agent.stderr, /heap out of memory/);
        assert.equal(await redis.llen(args.queue_key), 0);
        assert.equal(await redis.llen(args.inprogress_key), 0);
        const kept = await deadLettersOf(args, 20);
        assert.equal(kept.length, bigs.length);
        for (const big of bigs) assert.ok(kept.some((bytes) => bytes.equals(big)), 'each dead letter keeps its message whole');
        assert.ok(!agent.publishedNames().some((name) => name.startsWith('big-')), 'no big message was published');
      } finally {
        await agent.dispose();
      }
    });

    it(`${type}: 4 MB messages left in progress by an old agent: the nanny dead-letters them unread, republishes the others`, async () => {
      const args = channelArgs('big-nanny');
      const bigs = Array.from({ length: 6 }, (_, i) => bigMessage(`left${type}${i}`));
      for (const [i, big] of bigs.entries()) {
        await redis.lpush(args.inprogress_key, wireMessage(`n${i}`));
        await redis.lpush(args.inprogress_key, big);
      }
      const agent = startAgent({ ...FAST_AGENT, AGENT_TYPE: type, AGENT_CHANNEL_ARGS: args }, ['--max-old-space-size=64']);
      try {
        await waitUntil(
          async () => (await redis.llen(args.inprogress_key)) === 0 && (await redis.llen(args.dead_key)) === bigs.length,
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

  for (const type of ['default', 'batched'] as const) {
    for (const redisStopped of [false, true]) {
      const what = redisStopped ? 'with InfluxDB hung and redis-server SIGSTOPped' : 'with InfluxDB hung';
      it(`${type}: ${what}, SIGTERM ends the agent within 5 s; what it held stays in progress and a fresh agent publishes it once`, async (t) => {
        const args = channelArgs('hung');
        const hung = await startHungServer();
        const names = Array.from({ length: 12 }, (_, i) => `h${i}`);
        for (const name of names) await redis.lpush(args.queue_key, wireMessage(name));
        const agent = startAgent({
          ...FAST_AGENT,
          AGENT_TYPE: type,
          AGENT_CHANNEL_ARGS: args,
          AGENT_PUBLISHER_TYPE: 'influxdb',
          AGENT_PUBLISHER_ARGS: { host: '127.0.0.1', port: hung.port, timeout: 60 },
        });
        let fresh: AgentProcess | undefined;
        try {
          await waitUntil(async () => (await redis.llen(args.inprogress_key)) > 0, 'messages held', 15_000, () => agent.describe());
          await new Promise((done) => setTimeout(done, 300));
          const held = await namesInList(redis, args.inprogress_key);
          if (redisStopped) {
            server.pause();
            // Let the agent's next commands go out and hang.
            await new Promise((done) => setTimeout(done, 300));
          }
          const { code } = await terminateWithin(agent, EXIT_BOUND_MS, (message) => t.diagnostic(message));
          server.resume();
          assert.equal(code, 0, agent.describe());

          const inProgress = await namesInList(redis, args.inprogress_key);
          const queued = await namesInList(redis, args.queue_key);
          for (const name of held) assert.ok(inProgress.includes(name), `${name}, held, is still in progress`);
          assert.deepEqual([...inProgress, ...queued].sort(), [...names].sort(), 'nothing lost, nothing completed unpublished');

          fresh = startAgent({ ...FAST_AGENT, AGENT_TYPE: type, AGENT_CHANNEL_ARGS: args });
          const current = fresh;
          await waitUntil(
            async () => names.every((name) => current.publishedNames().includes(name)) && (await redis.llen(args.inprogress_key)) === 0,
            'the fresh agent published everything', 20_000, () => current.describe(),
          );
          for (const [name, count] of counts(current.publishedNames())) assert.equal(count, 1, `${name} published once`);
        } finally {
          server.resume();
          await agent.dispose();
          await fresh?.dispose();
          await hung.close();
        }
      });
    }

    it(`${type}: with redis-server SIGSTOPped while the agent waits for messages, SIGTERM ends it within 5 s`, async (t) => {
      const args = channelArgs('stopped');
      const agent = startAgent({ ...FAST_AGENT, AGENT_TYPE: type, AGENT_CHANNEL_ARGS: args });
      try {
        await agent.waitForLine((line) => line.msg === 'agent started', 'agent started');
        await new Promise((done) => setTimeout(done, 300));
        server.pause();
        await new Promise((done) => setTimeout(done, 500));
        const { code } = await terminateWithin(agent, EXIT_BOUND_MS, (message) => t.diagnostic(message));
        assert.equal(code, 0, agent.describe());
      } finally {
        server.resume();
        await agent.dispose();
      }
    });
  }

  it('an agent whose clock runs an hour fast, SIGKILLed holding 3 messages: a healthy agent\'s nanny republishes them after its threshold', async () => {
    const args = channelArgs('skew');
    const hung = await startHungServer();
    const names = ['s0', 's1', 's2'];
    for (const name of names) await redis.lpush(args.queue_key, wireMessage(name));
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
      await waitUntil(
        async () => (await redis.llen(args.inprogress_key)) === 3 && (await redis.hlen(`${args.inprogress_key}:entered`)) === 3,
        'three messages held and recorded', 15_000, () => skewed.describe(),
      );
      skewed.kill('SIGKILL');
      await skewed.exited;

      const status = new AgentProcess(['status', '--json', '--config', writeConfig({ AGENT_CHANNEL_ARGS: args })]);
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
      await waitUntil(
        async () => names.every((name) => current.publishedNames().includes(name)) && (await redis.llen(args.inprogress_key)) === 0,
        'the healthy agent\'s nanny republished the three', 20_000, () => current.describe(),
      );
    } finally {
      await skewed.dispose();
      await healthy?.dispose();
      await hung.close();
    }
  });

  it('kadabra status shows an entry time in the server\'s future as what it is, not as 0 s', async () => {
    const args = channelArgs('future');
    await redis.lpush(args.inprogress_key, wireMessage('f0'));
    const [seconds] = await redis.time();
    const digest = (await import('node:crypto')).hash('sha1', wireMessage('f0'), 'hex');
    // As an agent whose clock ran an hour fast recorded it before entry times came from the server.
    await redis.hset(`${args.inprogress_key}:entered`, digest, String((Number(seconds) + 3600) * 1000));
    const status = new AgentProcess(['status', '--config', writeConfig({ AGENT_CHANNEL_ARGS: args })]);
    const { code } = await status.exited;
    assert.equal(code, 0, status.describe());
    assert.match(status.stdout, /in progress: {2}1 \(oldest entered 3[56]\d\d\.\d s in the future by the channel's clock/);
    assert.doesNotMatch(status.stdout, /oldest for 0\.0 s/);
  });
});
