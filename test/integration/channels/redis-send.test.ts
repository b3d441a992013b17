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
