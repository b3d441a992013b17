import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { RedisChannel } from '../../../src/channels/redis/redis-channel.js';
import { createLogger } from '../../../src/logging/logger.js';
import { startRedisServer, uniqueKeys, type RedisServerHandle } from '../../support/redis-server.js';

describe('RedisChannel.sendEncoded against a real redis-server', () => {
  let server: RedisServerHandle;
  let redis: Redis;
  let channel: RedisChannel;
  const keys = uniqueKeys('send');

  before(async () => {
    server = await startRedisServer();
    redis = new Redis(server.port, '127.0.0.1');
    channel = new RedisChannel({ port: server.port, host: '127.0.0.1', ...keys }, createLogger({ level: 'silent' }));
  });
  after(async () => {
    await channel.close();
    redis.disconnect();
    await server.dispose();
  });

  test('text, Buffers, views and plain Uint8Arrays arrive as exactly their bytes, in order', async () => {
    const slab = Buffer.from('..{"view": 1}..');
    const messages = ['caf\u00e9 \ud83d\ude80', slab.subarray(2, 13), Uint8Array.of(0x7b, 0x7d, 0xff, 0x0d, 0x0a), '', 'x'.repeat(100_000)];
    await channel.sendEncoded(messages);
    const queued = (await redis.lrangeBuffer(keys.queue_key, 0, -1)).reverse();
    assert.deepEqual(
      queued,
      messages.map((m) => (typeof m === 'string' ? Buffer.from(m, 'utf8') : Buffer.from(m))),
    );
  });

  test('batches sent one after another and at the same time each arrive whole', async () => {
    const batch = (tag: string, size: number, length: number): string[] =>
      Array.from({ length: size }, (_, i) => `${tag}${i}:${'m'.repeat(length)}`);
    const sequential = [batch('a', 50, 300), batch('b', 3, 10), batch('c', 80, 500)];
    const concurrent = [batch('d', 40, 200), batch('e', 7, 900), batch('f', 60, 20)];
    await redis.del(keys.queue_key);
    for (const messages of sequential) await channel.sendEncoded(messages);
    await Promise.all(concurrent.map((messages) => channel.sendEncoded(messages)));
    const queued = (await redis.lrange(keys.queue_key, 0, -1)).reverse();
    assert.deepEqual(queued.slice(0, 133), sequential.flat());
    assert.deepEqual([...queued.slice(133)].sort(), concurrent.flat().sort());
  });

  test('the reply is checked like any command: a wrong-type key fails the send', async () => {
    const wrong = uniqueKeys('wrong-type');
    await redis.set(wrong.queue_key, 'not a list');
    const other = new RedisChannel({ port: server.port, host: '127.0.0.1', ...wrong }, createLogger({ level: 'silent' }));
    try {
      await assert.rejects(other.sendEncoded(['m']), /WRONGTYPE/);
    } finally {
      await other.close();
    }
  });
});
