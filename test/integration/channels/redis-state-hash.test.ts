// Reading a publisher's state hash from a real redis-server: a prefix read of the whole
// hash at once (HGETALL, filtered) and one that takes many HSCAN steps (a namespace past
// the one-step size, made small here) each miss nothing and add nothing; glob characters
// in the prefix are literal.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { readStateHash } from '../../../src/channels/redis/state-hash.js';
import { startRedisServer, type RedisServerHandle } from '../../support/redis-server.js';

describe('readStateHash on redis-server', () => {
  let server: RedisServerHandle;
  let redis: Redis;
  const key = 'state:prometheus';

  before(async () => {
    server = await startRedisServer();
    redis = new Redis(server.port, '127.0.0.1');
    const fields: string[] = [];
    for (let i = 0; i < 5000; i += 1) fields.push(`v|${i}`, String(i), `c|${i}`, String(-i));
    fields.push('v*|glob', '7', 'naïve|é', String(2n ** 62n));
    await redis.hset(key, ...fields);
  });

  after(async () => {
    redis.disconnect();
    await server.dispose();
  });

  test('a prefix read in many steps gets every matching total once, exactly', async () => {
    const values = await readStateHash(redis, key, { prefix: 'v|' }, 100);
    assert.equal(values.size, 5000);
    for (let i = 0; i < 5000; i += 1) assert.equal(values.get(`v|${i}`), BigInt(i));
    assert.deepEqual(await readStateHash(redis, key, { prefix: 'v*' }, 100), new Map([['v*|glob', 7n]]));
    assert.deepEqual(await readStateHash(redis, key, { prefix: 'naïve' }, 100), new Map([['naïve|é', 2n ** 62n]]));
  });

  test('the one-step read and the whole hash agree with the many-step read', async () => {
    const all = await readStateHash(redis, key);
    assert.equal(all.size, 10_002);
    const whole = await readStateHash(redis, key, { prefix: 'c|' });
    assert.equal(whole.size, 5000);
    assert.deepEqual(whole, await readStateHash(redis, key, { prefix: 'c|' }, 7));
    assert.equal(all.get('c|4999'), -4999n);
    assert.deepEqual(await readStateHash(redis, key, { prefix: 'v*' }), new Map([['v*|glob', 7n]]));
    assert.deepEqual(await readStateHash(redis, key, { prefix: 'naïve' }), new Map([['naïve|é', 2n ** 62n]]));
    assert.deepEqual(await readStateHash(redis, key, { prefix: 'naïve|é' }), new Map([['naïve|é', 2n ** 62n]]));
    assert.deepEqual(await readStateHash(redis, key, { prefix: 'naïve|éx' }), new Map());
    assert.deepEqual(await readStateHash(redis, 'state:absent', { prefix: 'v' }), new Map());
  });

  test('names: those that exist, in any number', async () => {
    const names = Array.from({ length: 30_000 }, (_, i) => `c|${i}`);
    const picked = await readStateHash(redis, key, { names });
    assert.equal(picked.size, 5000);
    assert.equal(picked.get('c|17'), -17n);
  });
});
