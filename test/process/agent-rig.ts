// What the agent's process tests share beside the process itself
// (test/support/agent-process.ts): fast timings, a redis-server per test file with a
// test's own keys, and the client and Redis connection they fill and inspect the lists with.
import { Redis } from 'ioredis';
import { Kadabra } from '../../src/client/kadabra.js';
import { fileFixture } from '../support/file-fixture.js';
import { startRedisServer, uniqueKeys, type RedisServerHandle } from '../support/redis-server.js';

/** Short timings so process tests run in seconds. */
export const FAST_AGENT = Object.freeze({
  AGENT_NANNY_FREQUENCY_SECONDS: 0.2,
  AGENT_NANNY_THRESHOLD_SECONDS: 0.2,
  BATCHED_AGENT_INTERVAL_SECONDS: 0.2,
});

/** Channel arguments pointing at a test server with this test's own keys. */
export interface TestChannelArgs {
  readonly port: number;
  readonly host: string;
  readonly queue_key: string;
  readonly inprogress_key: string;
  readonly dead_key: string;
  readonly password?: string;
}

/** A real redis-server and a plain connection to it, shared by one test file. */
export interface SharedRedis {
  readonly server: RedisServerHandle;
  readonly redis: Redis;
  /** Channel arguments with keys of their own on the shared server. */
  channelArgs(prefix: string): TestChannelArgs;
}

/** Starts a redis-server before the file's tests and disposes of it after them. */
export function sharedRedis(): SharedRedis {
  const shared = fileFixture(
    async () => {
      const server = await startRedisServer();
      return { server, redis: redisClient(server.port) };
    },
    async ({ server, redis }) => {
      redis.disconnect();
      await server.dispose();
    },
  );
  return {
    get server() {
      return shared().server;
    },
    get redis() {
      return shared().redis;
    },
    channelArgs: (prefix) => ({ host: '127.0.0.1', port: shared().server.port, ...uniqueKeys(prefix) }),
  };
}

/**
 * Sends `count` messages with the client, one counter `${prefix}${i}` each, and waits for
 * Redis to acknowledge them. With `pauseEvery`, it pauses 5 ms after each that many, so
 * the messages stream in while the test goes on.
 */
export async function sendMessages(channelArgs: TestChannelArgs, count: number, prefix = 'm', pauseEvery = 0): Promise<string[]> {
  const client = new Kadabra({ CLIENT_CHANNEL_ARGS: { ...channelArgs }, CLIENT_LOG_LEVEL: 'error' });
  const names: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const metrics = client.metrics();
    metrics.addCount(`${prefix}${i}`, 1);
    client.send(metrics.close());
    names.push(`${prefix}${i}`);
    if (pauseEvery > 0 && i % pauseEvery === pauseEvery - 1) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const stats = await client.close();
  if (stats.delivered !== count) throw new Error(`only ${stats.delivered} of ${count} messages delivered`);
  return names;
}

/** A plain Redis connection for looking at and tampering with the lists. */
export function redisClient(port: number, password?: string): Redis {
  return new Redis({ port, host: '127.0.0.1', ...(password ? { password } : {}), lazyConnect: false });
}

/** Counter names of the messages in a Redis list (undecodable entries as `<raw>`). */
export async function namesInList(redis: Redis, key: string): Promise<string[]> {
  const raws = await redis.lrange(key, 0, -1);
  return raws.flatMap((raw) => {
    try {
      const message = JSON.parse(raw) as { counters?: { name: string }[] };
      return (message.counters ?? []).map((c) => c.name);
    } catch {
      return [`<${raw}>`];
    }
  });
}
