import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Receipt, ReceivedMessage } from '../../../src/channels/channel.js';
import { RedisChannel } from '../../../src/channels/redis/redis-channel.js';
import { createLogger } from '../../../src/logging/logger.js';
import { readFixture } from '../../support/fixtures.js';
import { startRedisServer, uniqueKeys, type RedisServerHandle } from '../../support/redis-server.js';

const silent = createLogger({ level: 'silent' });

/** A list receipt's id: the hex SHA-1 of the message's exact bytes (what names it in the list). */
const sha1 = (bytes: Buffer): string => hash('sha1', bytes, 'hex');
const receiptsOf = (messages: readonly ReceivedMessage[]): Receipt[] => messages.map((message) => message.receipt);

describe('RedisChannel against a real redis-server', () => {
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

  function channel(extra: Record<string, unknown> = {}): { ch: RedisChannel; keys: ReturnType<typeof uniqueKeys> } {
    const keys = uniqueKeys('channel');
    const ch = new RedisChannel({ port: server.port, host: '127.0.0.1', ...keys, ...extra }, silent);
    channels.push(ch);
    return { ch, keys };
  }

  test('Python client bytes are received exactly, in order, and complete removes exactly them', async () => {
    const { ch, keys } = channel();
    const names = ['dimensions', 'special_chars', 'control_chars', 'unicode_only'];
    const raws = names.map((n) => readFixture(`${n}.json`));
    // The Python client LPUSHes one message at a time.
    for (const raw of raws) await redis.lpush(keys.queue_key, raw);

    const received = [];
    for (let i = 0; i < raws.length; i += 1) {
      const message = await ch.receive({ timeoutSeconds: 1 });
      assert.ok(message, `message ${i} received`);
      received.push(message);
    }
    received.forEach((m, i) => assert.equal(m.receipt.id, sha1(raws[i] as Buffer), `bytes of ${names[i]} unchanged`));
    assert.equal(received[0]?.metrics.dimensions[0]?.value, 'web-01');
    assert.equal(await redis.llen(keys.inprogress_key), 4);
    assert.equal(await redis.hlen(`${keys.inprogress_key}:entered`), 4);

    await ch.complete(receiptsOf(received.slice(0, 2)));
    const left = await redis.lrangeBuffer(keys.inprogress_key, 0, -1);
    assert.equal(left.length, 2);
    assert.ok(left.some((b) => b.equals(raws[2] as Buffer)) && left.some((b) => b.equals(raws[3] as Buffer)));
    await ch.complete(receiptsOf(received.slice(2)));
    assert.equal(await redis.llen(keys.inprogress_key), 0);
    assert.equal(await redis.exists(`${keys.inprogress_key}:entered`), 0);
    // A Python agent pointed at the same keys needs LISTs there.
    await ch.sendEncoded(['{"dimensions": [], "counters": [], "timers": [], "timestamp_format": "%Y", "serialized_at": "2024"}']);
    assert.equal(await redis.type(keys.queue_key), 'list');
  });

  test('a publisher\'s state is a HASH beside the queue, changed by the completing script; the Python keys stay as they were', async () => {
    const { ch, keys } = channel();
    const raws = ['dimensions', 'metadata'].map((n) => readFixture(`${n}.json`));
    for (const raw of raws) await redis.lpush(keys.queue_key, raw);
    const received = await ch.receiveBatch(2);
    await ch.complete(receiptsOf(received), { stateChange: { namespace: 'prometheus', add: new Map([['requests', 2n ** 62n]]) } });
    const state = `${keys.queue_key}:state:prometheus`;
    assert.deepEqual(await redis.hgetall(state), { requests: String(2n ** 62n) });
    const prefix = keys.queue_key.slice(0, -'queue'.length);
    assert.deepEqual(await redis.keys(`${prefix}*`), [state], 'the queue, in-progress and entered keys are gone when empty, as before');
    // Each receipt names the exact bytes the Python client pushed.
    for (const [i, { receipt }] of received.entries()) assert.equal(receipt.id, sha1(raws[i] as Buffer));
  });

  test('sendEncoded keeps order across a batch: the first given is received first', async () => {
    const { ch } = channel();
    const raw = (i: number): string =>
      `{"dimensions": [], "counters": [{"name": "n${i}", "metadata": {}, "timestamp": "2024-01-02T03:04:05.000001Z", "value": ${i}.0}], "timers": [], "timestamp_format": "%Y-%m-%dT%H:%M:%S.%fZ", "serialized_at": "x"}`;
    await ch.sendEncoded([0, 1, 2, 3, 4].map(raw));
    const batch = await ch.receiveBatch(3);
    assert.deepEqual(batch.map((m) => m.metrics.counters[0]?.name), ['n0', 'n1', 'n2']);
    const next = await ch.receive({ timeoutSeconds: 1 });
    assert.equal(next?.metrics.counters[0]?.name, 'n3');
  });

  test('receive returns null after its timeout and at once when aborted', async () => {
    const { ch } = channel();
    assert.equal(await ch.receive({ timeoutSeconds: 0.2 }), null);
    const controller = new AbortController();
    const started = Date.now();
    const pending = ch.receive({ timeoutSeconds: 30, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    assert.equal(await pending, null);
    assert.ok(Date.now() - started < 5000, 'abort ended the 30 s wait');
    // The channel still works afterwards.
    await redis.lpush(ch.args.queue_key, readFixture('empty.json'));
    assert.ok(await ch.receive({ timeoutSeconds: 2 }));
  });

  test('an empty queue costs the batched receiver one call and no pops (the original popped 10,000 times an interval)', async () => {
    const { ch } = channel();
    await ch.receiveBatch(1); // loads the script
    const before = await redis.info('commandstats');
    const pops = (info: string): number => Number(/cmdstat_rpop:calls=(\d+)/.exec(info)?.[1] ?? 0);
    for (let i = 0; i < 5; i += 1) assert.deepEqual(await ch.receiveBatch(10_000), []);
    const afterInfo = await redis.info('commandstats');
    assert.equal(pops(afterInfo), pops(before), 'no RPOP issued on an empty queue');
  });

  test('undecodable messages are dead-lettered with a reason and receiving carries on', async () => {
    const { ch, keys } = channel();
    const good = readFixture('counters_only.json');
    const bad = [
      Buffer.from('not json at all'),
      readFixture('invalid/nan_inf.json'),
      Buffer.from('{"dimensions": [], "counters": []}'),
      Buffer.from('{"dimensions": [], "counters": [{"name": 5, "metadata": {}, "timestamp": "x", "value": 1.0}], "timers": [], "timestamp_format": "%Y"}'),
      Buffer.from([0xff, 0xfe, 0x7b]),
    ];
    await redis.lpush(keys.queue_key, bad[0] as Buffer, good, bad[1] as Buffer, bad[2] as Buffer);
    await redis.lpush(keys.queue_key, bad[3] as Buffer, good, bad[4] as Buffer);

    const first = await ch.receive({ timeoutSeconds: 1 });
    assert.equal(first?.receipt.id, sha1(good));
    const batch = await ch.receiveBatch(100);
    assert.equal(batch.length, 1);
    assert.equal(batch[0]?.receipt.id, sha1(good));
    assert.equal(await ch.receive({ timeoutSeconds: 0.2 }), null);

    const letters = await ch.deadLetters(100);
    assert.equal(letters.length, 5);
    for (const letter of letters) {
      assert.ok(letter.reason.length > 0);
      assert.ok(!Number.isNaN(Date.parse(letter.time)));
    }
    assert.ok(letters.some((l) => l.encoding === 'base64' && Buffer.from(l.message, 'base64').equals(bad[4] as Buffer)));
    assert.ok(letters.some((l) => /NaN|Infinity|JSON/i.test(l.reason) && l.message.includes('NaN')));
    assert.equal(await redis.llen(keys.inprogress_key), 2, 'only the good ones stay in progress');
    const status = await ch.status();
    assert.equal(status.deadLetters, 5);
    assert.equal(status.inProgress, 2);
  });

  test('dead letters are never trimmed past dead_max_length; requeue restores exact bytes; purge', async () => {
    const { ch, keys } = channel({ dead_max_length: 3 });
    const junk = [1, 2, 3, 4, 5].map((i) => Buffer.from(`junk-${i}`));
    for (const j of junk) await redis.lpush(keys.queue_key, j);
    assert.deepEqual(await ch.receiveBatch(10), []);
    const status = await ch.status();
    assert.equal(status.deadLetters, 5);
    assert.equal(status.deadLetterAlarmThreshold, 3);
    const letters = await ch.deadLetters(10);
    assert.deepEqual(letters.map((l) => l.message), ['junk-5', 'junk-4', 'junk-3', 'junk-2', 'junk-1']);

    assert.equal(await ch.requeueDeadLetters(2), 2);
    const queued = await redis.lrange(keys.queue_key, 0, -1);
    assert.deepEqual(queued.sort(), ['junk-1', 'junk-2']);
    assert.equal(await ch.purgeDeadLetters(), 3);
    assert.equal((await ch.status()).deadLetters, 0);
  });

  test('in-progress: oldest first, timed from entering in-progress; unrecorded items timed from first sight', async () => {
    const { ch, keys } = channel();
    const a = readFixture('dimensions.json');
    const b = readFixture('metadata.json');
    await redis.lpush(keys.queue_key, a, b);
    const t0 = Date.now();
    await ch.receiveBatch(10);
    // An item moved by someone else (a Python agent, or a crash before the record).
    const orphan = readFixture('timers_seconds.json');
    await redis.lpush(keys.inprogress_key, orphan);

    const first = await ch.inProgress(10);
    assert.deepEqual(first.map((m) => m.receipt.id), [a, b, orphan].map(sha1), 'oldest first');
    for (const m of first) assert.ok(m.enteredAt >= t0 - 5 && m.enteredAt <= Date.now());
    await new Promise((r) => setTimeout(r, 30));
    const second = await ch.inProgress(10);
    assert.equal(second[2]?.enteredAt, first[2]?.enteredAt, 'the orphan keeps its first-seen time');
    assert.equal((await ch.inProgress(1)).length, 1);

    await ch.complete(receiptsOf(second));
    assert.equal(await redis.llen(keys.inprogress_key), 0);
    assert.equal(await redis.hlen(`${keys.inprogress_key}:entered`), 0);
  });

  test('identical bytes in flight twice: completing one removes exactly one copy', async () => {
    const { ch, keys } = channel();
    const raw = readFixture('counters_only.json');
    await redis.lpush(keys.queue_key, raw, raw);
    const [one, two] = await ch.receiveBatch(10);
    assert.ok(one && two);
    await ch.complete([one.receipt]);
    assert.equal(await redis.llen(keys.inprogress_key), 1, 'the other copy stays in progress');
    await ch.complete([two.receipt]);
    assert.equal(await redis.llen(keys.inprogress_key), 0);
    assert.equal(await redis.hlen(`${keys.inprogress_key}:entered`), 0);
  });

  test('completing a batch of 10,000 leaves unrelated in-progress items, in their order', async () => {
    const { ch, keys } = channel();
    const others = ['o1', 'o2', 'o3'].map((s) => `{"other": "${s}"}`);
    await redis.rpush(keys.inprogress_key, ...others);
    const template = readFixture('counters_only.json').toString();
    const messages = Array.from({ length: 10_000 }, (_, i) => template.replace('"requests"', `"r${i}"`));
    await ch.sendEncoded(messages);
    const batch = await ch.receiveBatch(10_000);
    assert.equal(batch.length, 10_000);
    await ch.complete(receiptsOf(batch));
    assert.deepEqual(await redis.lrange(keys.inprogress_key, 0, -1), others);
    assert.equal(await redis.hlen(`${keys.inprogress_key}:entered`), 0, 'every record of the batch deleted');
  });

  test('completing the oldest batch under a newer one (scanned from the tail) keeps the newer in order', async () => {
    const { ch, keys } = channel();
    const template = readFixture('counters_only.json').toString();
    const make = (tag: string, n: number): string[] =>
      Array.from({ length: n }, (_, i) => template.replace('"requests"', `"${tag}${i}"`));
    await ch.sendEncoded(make('old', 50));
    const old = await ch.receiveBatch(50);
    await ch.sendEncoded(make('new', 30));
    const newer = await ch.receiveBatch(30);
    const before = await redis.lrange(keys.inprogress_key, 0, -1);
    // Completed in an order unlike the list's, with one message another agent already took.
    const [taken, ...rest] = old;
    assert.ok(taken);
    await redis.lrem(keys.inprogress_key, 1, make('old', 1)[0] as string);
    await ch.complete([...receiptsOf(rest).reverse(), taken.receipt]);
    assert.deepEqual(await redis.lrange(keys.inprogress_key, 0, -1), before.slice(0, 30));
    assert.equal(await redis.hlen(`${keys.inprogress_key}:entered`), 30 + 1, "the newer batch's records and the taken one's");
    await ch.complete(receiptsOf(newer));
    assert.equal(await redis.llen(keys.inprogress_key), 0);
  });

  test('url with a password, and a wrong password fails without leaking it', async () => {
    const secured = await startRedisServer({ password: 's3cret' });
    try {
      const keys = uniqueKeys('auth');
      const ok = new RedisChannel({ url: `redis://:s3cret@127.0.0.1:${secured.port}/0`, ...keys }, silent);
      channels.push(ok);
      await ok.sendEncoded(['x']);
      assert.equal((await ok.status()).queued, 1);
      assert.deepEqual(ok.describe(), { type: 'redis', endpoint: `redis://127.0.0.1:${secured.port}/0` });
      const bad = new RedisChannel({ url: `redis://:wrong@127.0.0.1:${secured.port}/0`, ...keys }, silent);
      channels.push(bad);
      await assert.rejects(bad.status(), (error: Error) => !error.message.includes('wrong'));
      await bad.close();
    } finally {
      await secured.dispose();
    }
  });
});
