// The nanny lists in-progress while a receive is between its blocking move and its
// record of the move. Found by the chaos suite: the nanny counted a copy for the item it
// saw unrecorded, the receive counted its own, and completing the one real copy left the
// item's records in the entered/copies HASHes for ever (one leaked record per race).
// Records are now one HASH of entered times, no copy counts; these tests pin that no
// race leaves a record behind and that a record never makes an item look older.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { RedisChannel } from '../../../src/channels/redis/redis-channel.js';
import { createLogger } from '../../../src/logging/logger.js';
import { readFixture } from '../../support/fixtures.js';
import { startRedisServer, uniqueKeys, type RedisServerHandle } from '../../support/redis-server.js';

const silent = createLogger({ level: 'silent' });

interface WithRecordEntered {
  recordEntered(digests: readonly string[], atMs: number): Promise<void>;
}

describe('RedisChannel: the nanny looking between a receive\'s move and its record', () => {
  let server: RedisServerHandle;
  let redis: Redis;
  const channels: RedisChannel[] = [];

  before(async () => {
    server = await startRedisServer();
    redis = new Redis(server.port, '127.0.0.1');
    redis.on('error', () => undefined);
  });
  after(async () => {
    await Promise.all(channels.map((c) => c.close()));
    redis.disconnect();
    await server.dispose();
  });

  function pair(): { receiver: RedisChannel; nanny: RedisChannel; keys: ReturnType<typeof uniqueKeys> } {
    const keys = uniqueKeys('race');
    const receiver = new RedisChannel({ port: server.port, host: '127.0.0.1', ...keys }, silent);
    const nanny = new RedisChannel({ port: server.port, host: '127.0.0.1', ...keys }, silent);
    channels.push(receiver, nanny);
    return { receiver, nanny, keys };
  }

  /** Makes `receiver`'s next receives run `between` after the real move, before the record. */
  function interpose(receiver: RedisChannel, between: () => Promise<unknown>): void {
    const target = receiver as unknown as WithRecordEntered;
    const record = target.recordEntered.bind(receiver);
    target.recordEntered = async (digests, atMs) => {
      await between();
      await record(digests, atMs);
    };
  }

  function records(keys: ReturnType<typeof uniqueKeys>): Promise<number> {
    return redis.hlen(`${keys.inprogress_key}:entered`);
  }

  test('completing the message leaves no record behind', async () => {
    const { receiver, nanny, keys } = pair();
    let seenByNanny = 0;
    interpose(receiver, async () => {
      seenByNanny += (await nanny.inProgress(10)).length;
    });
    await redis.lpush(keys.queue_key, readFixture('dimensions.json'));

    const message = await receiver.receive({ timeoutSeconds: 2 });
    assert.ok(message, 'the message was received');
    assert.equal(seenByNanny, 1, 'the nanny saw the message before the receive recorded it');
    assert.equal(await records(keys), 1, 'one record');

    await receiver.complete([message.receipt]);
    assert.equal(await redis.llen(keys.inprogress_key), 0);
    assert.equal(await records(keys), 0, 'no record left after complete');
  });

  test('a second identical copy in progress is timed again after its twin completes, then cleaned up', async () => {
    const { receiver, nanny, keys } = pair();
    const raw = readFixture('dimensions.json');
    interpose(receiver, () => nanny.inProgress(10));
    await redis.lpush(keys.queue_key, raw, raw);

    const first = await receiver.receive({ timeoutSeconds: 2 });
    const second = await receiver.receive({ timeoutSeconds: 2 });
    assert.ok(first && second);
    assert.equal(await records(keys), 1, 'two copies of the same bytes share one record');

    await receiver.complete([first.receipt]);
    assert.equal(await redis.llen(keys.inprogress_key), 1);
    assert.equal(await records(keys), 0, 'completing one copy drops the shared record');
    const before = Date.now();
    const [old] = await nanny.inProgress(10);
    assert.ok(old, 'the nanny still sees the remaining copy');
    assert.ok(old.enteredAt >= before, 'timed from when the nanny saw it again: later, never earlier');
    await nanny.complete([old.receipt]);
    assert.equal(await redis.llen(keys.inprogress_key), 0);
    assert.equal(await records(keys), 0);
  });

  test('a copy moved with no record (a receiver died before recording) is timed, then cleaned up', async () => {
    const { nanny, keys } = pair();
    await redis.lpush(keys.inprogress_key, readFixture('dimensions.json'));
    const [orphan] = await nanny.inProgress(10);
    assert.ok(orphan, 'the nanny sees the orphan');
    assert.equal(await records(keys), 1, 'timed from when it was first seen');
    const again = await nanny.inProgress(10);
    assert.equal(again[0]?.enteredAt, orphan.enteredAt, 'its time is kept, not reset on each look');
    await nanny.complete([orphan.receipt]);
    assert.equal(await redis.llen(keys.inprogress_key), 0);
    assert.equal(await records(keys), 0);
  });

  test('records of messages another client removed are dropped once in-progress is empty', async () => {
    const { nanny, keys } = pair();
    const raw = readFixture('dimensions.json');
    await redis.lpush(keys.inprogress_key, raw);
    assert.equal((await nanny.inProgress(10)).length, 1);
    // A Python agent completes with LREM, knowing nothing of the record.
    await redis.lrem(keys.inprogress_key, 1, raw);
    assert.equal(await records(keys), 1);
    assert.deepEqual(await nanny.inProgress(10), []);
    assert.equal(await records(keys), 0);
  });
});
