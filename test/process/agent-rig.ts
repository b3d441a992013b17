// What the agent's process tests share beside the process itself
// (test/support/agent-process.ts): fast timings, a test's own Redis keys, and the client
// and Redis connection they fill and inspect the lists with.
import { Redis } from 'ioredis';
import { Kadabra } from '../../src/client/kadabra.js';

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

/** Sends `count` messages with the client, one counter `${prefix}${i}` each, and waits for Redis to acknowledge them. */
export async function sendMessages(channelArgs: TestChannelArgs, count: number, prefix = 'm'): Promise<string[]> {
  const client = new Kadabra({ CLIENT_CHANNEL_ARGS: { ...channelArgs }, CLIENT_LOG_LEVEL: 'error' });
  const names: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const metrics = client.metrics();
    metrics.addCount(`${prefix}${i}`, 1);
    client.send(metrics.close());
    names.push(`${prefix}${i}`);
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
