import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Channel, ReceivedMessage } from '../../src/channels/channel.js';
import { Counter } from '../../src/metrics/counter.js';
import { Metrics } from '../../src/metrics/metrics.js';
import {
  nameOf,
  receiptsOf,
  sleep,
  wireMessage,
  type ConformanceStore,
  type ConformanceTarget,
} from './conformance-support.js';
import { leaseConformance } from './lease-conformance.js';
import { latestConformance } from './latest-conformance.js';
import { receiptConformance } from './receipt-conformance.js';

export { nameOf, wireMessage, type ConformanceStore, type ConformanceTarget, type OpenOptions } from './conformance-support.js';

/**
 * The behaviour every `Channel` implementation shares (see `Channel` in
 * src/channels/channel.ts), run against one implementation: ordering, blocking receive
 * with timeout and abort, batches, in-progress with entry times, complete, dead letters,
 * concurrent producers and consumers, a consumer that goes away mid-publish, (in
 * receipt-conformance.ts and latest-conformance.ts) receipts, `describe()` and publisher
 * state, and (in lease-conformance.ts) leases.
 *
 * @param name the implementation, for test names.
 * @param makeTarget starts what the implementation needs (a server, a directory).
 */
export function channelConformance(name: string, makeTarget: () => Promise<ConformanceTarget>): void {
  describe(`Channel conformance: ${name}`, () => {
    let target: ConformanceTarget;
    let opened: Channel[] = [];

    before(async () => {
      target = await makeTarget();
    });
    afterEach(async () => {
      await Promise.all(opened.map((channel) => channel.close()));
      opened = [];
    });
    after(async () => {
      await target.dispose();
    });

    /** A fresh store and a function opening channels on it (closed after the test). */
    async function store(): Promise<ConformanceStore> {
      const fresh = await target.newStore();
      return {
        open: (options) => {
          const channel = fresh.open(options);
          opened.push(channel);
          return channel;
        },
        pushRaw: (raws) => fresh.pushRaw(raws),
      };
    }

    test('messages are received in the order sent, as the exact bytes sent', async () => {
      const { open } = await store();
      const producer = open();
      const consumer = open();
      const batch = ['o0', 'o1', 'o2', 'o3'].map((n) => wireMessage(n));
      await producer.sendEncoded(batch);
      await producer.send(new Metrics([], [new Counter('o4', 1_700_000_000_000_000n, { k: 'v' }, 2)], []));
      await producer.sendEncoded([wireMessage('o5')]);
      const received: ReceivedMessage[] = [];
      for (let i = 0; i < 6; i += 1) {
        const message = await consumer.receive({ timeoutSeconds: 5 });
        assert.ok(message, `message ${i} received`);
        received.push(message);
      }
      if (target.sharded) {
        // Each send went to a shard of its own: the batch keeps its order, the sends do not.
        assert.deepEqual(received.map(nameOf).filter((name) => ['o0', 'o1', 'o2', 'o3'].includes(name ?? '')), ['o0', 'o1', 'o2', 'o3']);
        received.sort((a, b) => (nameOf(a) ?? '').localeCompare(nameOf(b) ?? ''));
      }
      assert.deepEqual(received.map(nameOf), ['o0', 'o1', 'o2', 'o3', 'o4', 'o5']);
      batch.forEach((text, i) => assert.equal(received[i]?.receipt.bytes, Buffer.byteLength(text), `size of message ${i}`));
      assert.equal(received[4]?.metrics.counters[0]?.metadata['k'], 'v');
      assert.equal((await consumer.status()).inProgress, 6);
      // The channel's own record of the bytes: dead-lettered, they are kept exactly.
      for (const message of received.slice(0, 4)) await consumer.deadLetter(message.receipt, 'to read its bytes');
      assert.deepEqual((await consumer.deadLetters(4)).map((letter) => letter.message).reverse(), batch);
    });

    test('receive waits for a message sent while it waits', async () => {
      const { open } = await store();
      const consumer = open();
      const waiting = consumer.receive({ timeoutSeconds: 20 });
      await sleep(150);
      await open().sendEncoded([wireMessage('late')]);
      assert.equal(nameOf(await waiting), 'late');
    });

    test('receive returns null after its timeout, and when aborted or closed', async () => {
      const { open } = await store();
      const consumer = open();
      const started = Date.now();
      assert.equal(await consumer.receive({ timeoutSeconds: 0.3 }), null);
      assert.ok(Date.now() - started >= 250, 'waited for the timeout');

      const controller = new AbortController();
      const aborted = consumer.receive({ timeoutSeconds: 60, signal: controller.signal });
      setTimeout(() => controller.abort(), 100);
      assert.equal(await aborted, null);
      assert.equal(await consumer.receive({ timeoutSeconds: 60, signal: AbortSignal.abort() }), null);

      // Still usable after an abort.
      await open().sendEncoded([wireMessage('after-abort')]);
      assert.equal(nameOf(await consumer.receive({ timeoutSeconds: 5 })), 'after-abort');

      const pending = consumer.receive({ timeoutSeconds: 60 });
      await sleep(50);
      await consumer.close();
      assert.equal(await pending, null);
      await consumer.close(); // idempotent
    });

    test('receiveBatch takes up to n messages, oldest first, and nothing from an empty queue', async () => {
      const { open } = await store();
      const channel = open();
      assert.deepEqual(await channel.receiveBatch(100), []);
      await channel.sendEncoded(['b0', 'b1', 'b2', 'b3', 'b4'].map((n) => wireMessage(n)));
      assert.deepEqual((await channel.receiveBatch(3)).map(nameOf), ['b0', 'b1', 'b2']);
      assert.deepEqual((await channel.receiveBatch(10)).map(nameOf), ['b3', 'b4']);
      assert.deepEqual(await channel.receiveBatch(10), []);
      const status = await channel.status();
      assert.equal(status.queued, 0);
      assert.equal(status.inProgress, 5);
    });

    test('inProgress lists items oldest first with the time each entered in-progress', async () => {
      const { open } = await store();
      const channel = open();
      await channel.sendEncoded(['p0', 'p1', 'p2', 'p3'].map((n) => wireMessage(n)));
      const before = Date.now();
      assert.equal(nameOf(await channel.receive({ timeoutSeconds: 5 })), 'p0');
      const between = Date.now();
      await sleep(40);
      const second = Date.now();
      assert.deepEqual((await channel.receiveBatch(2)).map(nameOf), ['p1', 'p2']);
      const afterTaking = Date.now();

      const items = await open().inProgress(10);
      assert.deepEqual(items.map(nameOf), ['p0', 'p1', 'p2']);
      const [first, , third] = items;
      assert.ok(first && third);
      assert.ok(first.enteredAt >= before && first.enteredAt <= between, 'p0 entered when it was received');
      assert.ok(third.enteredAt >= second && third.enteredAt <= afterTaking, 'p2 entered when it was taken');
      assert.ok(items.every((item, i) => i === 0 || item.enteredAt >= (items[i - 1]?.enteredAt ?? 0)), 'oldest first');
      assert.deepEqual((await channel.inProgress(1)).map(nameOf), ['p0']);
      const status = await channel.status();
      // A channel that keeps the time since delivery (Redis Streams' idle time) derives the
      // entry time from two readings of the server's clock: a ms or two apart.
      assert.ok(Math.abs((status.oldestInProgressAt ?? Number.NaN) - first.enteredAt) <= 2, `oldest entered at ${first.enteredAt}`);
      assert.equal(status.queued, 1);
      assert.equal(status.inProgress, 3);
    });

    test('complete removes exactly the items completed, identical bytes in flight twice included', async () => {
      const { open } = await store();
      const channel = open();
      const twin = wireMessage('twin');
      await channel.sendEncoded([twin, twin, wireMessage('other')]);
      const [a, b, other] = await channel.receiveBatch(10);
      assert.ok(a && b && other);
      assert.deepEqual([nameOf(a), nameOf(b)], ['twin', 'twin']);

      await channel.complete([a.receipt]);
      assert.deepEqual((await channel.inProgress(10)).map(nameOf).sort(), ['other', 'twin']);
      await channel.complete([b.receipt]);
      assert.deepEqual((await channel.inProgress(10)).map(nameOf), ['other']);
      await channel.complete([]);
      await channel.complete([other.receipt]);
      assert.equal((await channel.status()).inProgress, 0);
      await channel.complete([other.receipt]); // already gone: harmless
      // Without the consumers a channel read by named consumers lists, and a sharded channel's shards: channel-specific.
      const { consumers: _consumers, shards: _shards, ...status } = await channel.status();
      assert.deepEqual(status, {
        queued: 0, inProgress: 0, oldestInProgressAt: undefined, oldestInProgressMs: undefined, deadLetters: 0, deadLetterAlarmThreshold: 10_000,
      });
    });

    test('a message over maxMessageBytes is dead-lettered whole with the reason by every receive path; those around it are received', async () => {
      const { open, pushRaw } = await store();
      const channel = open();
      // One decodable but oversized, one oversized and not even UTF-8: neither is read.
      const big = Buffer.from(wireMessage(`big-${'x'.repeat(200_000)}`));
      const bigBinary = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.alloc(150_000, 0x80)]);
      await pushRaw([Buffer.from(wireMessage('s0')), big, Buffer.from(wireMessage('s1')), bigBinary, Buffer.from(wireMessage('s2'))]);
      const maxMessageBytes = 10_000;
      assert.equal(nameOf(await channel.receive({ timeoutSeconds: 5, maxMessageBytes })), 's0');
      assert.equal(nameOf(await channel.receive({ timeoutSeconds: 5, maxMessageBytes })), 's1');
      assert.deepEqual((await channel.receiveBatch(10, { maxMessageBytes })).map(nameOf), ['s2']);
      const status = await channel.status();
      assert.equal(status.inProgress, 3);
      assert.equal(status.queued, 0);
      assert.equal(status.deadLetters, 2);
      const letters = await channel.deadLetters(10);
      for (const [letter, bytes] of [[letters[1], big], [letters[0], bigBinary]] as const) {
        assert.ok(letter);
        assert.match(letter.reason, new RegExp(`message of ${bytes.length} bytes is over the maximum of 10000 bytes`));
        assert.ok(Buffer.from(letter.message, letter.encoding).equals(bytes), 'the dead letter keeps the exact bytes');
        assert.ok(letter.time !== '', 'the dead letter has a time');
      }
      // Requeued, they come back exactly; taken without a limit, they are received as they are.
      assert.equal(await channel.requeueDeadLetters(10), 2);
      const again = await channel.receiveBatch(10);
      assert.equal(again.length, 1, 'the undecodable one is dead-lettered again, for being undecodable');
      assert.equal(again[0]?.receipt.bytes, big.length);
      assert.equal(nameOf(again[0]), `big-${'x'.repeat(200_000)}`);
    });

    test('receiveBatch and inProgress stop at the byte budget, and always take one message', async () => {
      const { open, pushRaw } = await store();
      const channel = open();
      const messages = ['k0', 'k1', 'k2', 'k3', 'k4'].map((n) => Buffer.from(wireMessage(n)));
      const size = messages[0]?.length ?? 0;
      await pushRaw(messages);
      assert.deepEqual((await channel.receiveBatch(10, { maxBatchBytes: size * 2 + 1 })).map(nameOf), ['k0', 'k1']);
      assert.deepEqual((await channel.receiveBatch(10, { maxBatchBytes: 1 })).map(nameOf), ['k2'], 'at least one');
      assert.deepEqual((await channel.receiveBatch(10)).map(nameOf), ['k3', 'k4'], 'the rest stayed queued, in order');
      assert.deepEqual((await channel.inProgress(10, { maxBatchBytes: size * 3 })).map(nameOf), ['k0', 'k1', 'k2']);
      assert.deepEqual((await channel.inProgress(10, { maxBatchBytes: 1 })).map(nameOf), ['k0']);
      assert.equal((await channel.status()).inProgress, 5);
    });

    test('inProgress dead-letters an item over maxMessageBytes (left by an agent without the limit) without reading it', async () => {
      const { open, pushRaw } = await store();
      const channel = open();
      const big = Buffer.from(wireMessage(`left-${'y'.repeat(100_000)}`));
      await pushRaw([Buffer.from(wireMessage('i0')), big, Buffer.from(wireMessage('i1'))]);
      assert.equal((await channel.receiveBatch(10)).length, 3, 'an agent without the limit took all three');
      const items = await open().inProgress(10, { maxMessageBytes: 50_000 });
      assert.deepEqual(items.map(nameOf), ['i0', 'i1']);
      const status = await channel.status();
      assert.equal(status.inProgress, 2);
      assert.equal(status.deadLetters, 1);
      const [letter] = await channel.deadLetters(1);
      assert.ok(letter && Buffer.from(letter.message, letter.encoding).equals(big));
      assert.match(letter.reason, /over the maximum of 50000 bytes/);
    });

    test('time in progress is measured by the channel\'s clock, not by the clock of the process that received', async () => {
      const { open } = await store();
      const fastAgent = open();
      await fastAgent.sendEncoded([wireMessage('c0'), wireMessage('c1')]);
      const realNow = Date.now;
      // This process's clock runs an hour fast while it receives (as a skewed agent's would).
      Date.now = () => realNow() + 3_600_000;
      try {
        assert.equal(nameOf(await fastAgent.receive({ timeoutSeconds: 5 })), 'c0');
        assert.equal((await fastAgent.receiveBatch(1)).length, 1);
      } finally {
        Date.now = realNow;
      }
      await sleep(30);
      const items = await open().inProgress(10);
      assert.equal(items.length, 2);
      for (const item of items) {
        assert.ok(item.inProgressMs >= 0 && item.inProgressMs < 60_000, `in progress for ${item.inProgressMs} ms by the channel's clock`);
        assert.ok(Math.abs(item.enteredAt - Date.now()) < 60_000, 'entered by the channel\'s clock');
      }
      const status = await open().status();
      assert.ok(status.oldestInProgressMs !== undefined && status.oldestInProgressMs >= 0 && status.oldestInProgressMs < 60_000);
    });

    test('undecodable messages are dead-lettered with the reason, never returned', async () => {
      const { open, pushRaw } = await store();
      const channel = open();
      const invalidUtf8 = Buffer.from([0xff, 0xfe, 0x7b]);
      await pushRaw([
        Buffer.from('not json at all'),
        Buffer.from(wireMessage('good0')),
        invalidUtf8,
        Buffer.from('{"dimensions": [], "counters": []}'),
        Buffer.from(wireMessage('good1')),
      ]);
      assert.equal(nameOf(await channel.receive({ timeoutSeconds: 5 })), 'good0');
      assert.deepEqual((await channel.receiveBatch(10)).map(nameOf), ['good1']);
      assert.equal(await channel.receive({ timeoutSeconds: 0.2 }), null);

      const letters = await channel.deadLetters(10);
      assert.equal(letters.length, 3);
      assert.equal(letters[0]?.message, '{"dimensions": [], "counters": []}', 'newest first');
      assert.equal(letters[1]?.encoding, 'base64');
      assert.ok(Buffer.from(letters[1]?.message ?? '', 'base64').equals(invalidUtf8));
      assert.equal(letters[2]?.message, 'not json at all');
      for (const letter of letters) {
        assert.ok(letter.reason.length > 0, 'a reason is given');
        assert.ok(!Number.isNaN(Date.parse(letter.time)), `time ${letter.time} is ISO-8601`);
      }
      const status = await channel.status();
      assert.equal(status.deadLetters, 3);
      assert.equal(status.inProgress, 2);
      assert.equal(status.queued, 0);
    });

    test('deadLetter moves a received message with its reason; requeue puts it back exactly; purge deletes', async () => {
      const { open } = await store();
      const channel = open();
      await channel.sendEncoded(['d0', 'd1', 'd2', 'd3'].map((n) => wireMessage(n)));
      const received = await channel.receiveBatch(4);
      assert.equal(received.length, 4);
      for (const item of received.slice(0, 3)) await channel.deadLetter(item.receipt, `rejected ${nameOf(item)}`);
      const [, , , kept] = received;
      assert.ok(kept);
      const stale = (await open().inProgress(10))[0];
      assert.ok(stale);
      await open().deadLetter(stale.receipt, 'from another instance, by its in-progress entry');

      let status = await channel.status();
      assert.equal(status.inProgress, 0);
      assert.equal(status.deadLetters, 4);
      const letters = await channel.deadLetters(2);
      assert.deepEqual(letters.map((l) => l.reason), ['from another instance, by its in-progress entry', 'rejected d2']);
      assert.equal(letters[1]?.message, wireMessage('d2'));
      assert.equal(letters[1]?.encoding, 'utf8');

      // Oldest first, up to the limit, exactly the bytes sent.
      assert.equal(await channel.requeueDeadLetters(2), 2);
      const again = await channel.receiveBatch(10);
      assert.deepEqual(again.map(nameOf), ['d0', 'd1']);
      assert.equal(again[0]?.receipt.bytes, Buffer.byteLength(wireMessage('d0')));
      assert.deepEqual((await channel.deadLetters(10)).map((l) => l.reason), [
        'from another instance, by its in-progress entry',
        'rejected d2',
      ]);

      assert.equal(await channel.purgeDeadLetters(), 2);
      status = await channel.status();
      assert.equal(status.deadLetters, 0);
      assert.deepEqual(await channel.deadLetters(10), []);
      assert.equal(await channel.requeueDeadLetters(10), 0);
    });

    test('dead letters are never trimmed: beyond dead_max_length the status raises the alarm, nothing is deleted', async () => {
      const { open, pushRaw } = await store();
      const channel = open({ deadMaxLength: 3 });
      await pushRaw(['bad-0', 'bad-1', 'bad-2', 'bad-3', 'bad-4'].map((text) => Buffer.from(text)));
      assert.equal(await channel.receive({ timeoutSeconds: 0.3 }), null);
      assert.deepEqual((await channel.deadLetters(10)).map((l) => l.message), ['bad-4', 'bad-3', 'bad-2', 'bad-1', 'bad-0']);
      const status = await channel.status();
      assert.equal(status.deadLetters, 5);
      assert.equal(status.deadLetterAlarmThreshold, 3);
      assert.equal(await channel.purgeDeadLetters(), 5);
      assert.equal((await channel.status()).deadLetters, 0);
    });

    test('requeue by reason takes only the dead letters whose reason contains the text, oldest first', async () => {
      const { open } = await store();
      const channel = open();
      await channel.sendEncoded(['a0', 'b0', 'a1', 'b1', 'a2'].map((n) => wireMessage(n)));
      for (const item of await channel.receiveBatch(10)) {
        const name = nameOf(item) ?? '';
        const reason = name.startsWith('a')
          ? 'partial write: max-series-per-database limit exceeded: (5) dropped=1'
          : 'partial write: field type conflict dropped=1';
        await channel.deadLetter(item.receipt, reason);
      }
      assert.equal(await channel.requeueDeadLetters(2, { reason: 'max-series-per-database' }), 2);
      assert.deepEqual((await channel.receiveBatch(10)).map(nameOf), ['a0', 'a1']);
      assert.equal(await channel.requeueDeadLetters(Number.POSITIVE_INFINITY, { reason: 'max-series-per-database' }), 1);
      assert.deepEqual((await channel.receiveBatch(10)).map(nameOf), ['a2']);
      assert.equal(await channel.requeueDeadLetters(10, { reason: 'MAX-SERIES' }), 0, 'case-sensitive');
      assert.deepEqual((await channel.deadLetters(10)).map((l) => l.message), [wireMessage('b1'), wireMessage('b0')]);
    });

    test('two requeues at once queue every dead letter exactly once', async () => {
      const { open } = await store();
      const channel = open();
      const total = 300;
      const names = Array.from({ length: total }, (_, i) => `r${i}`);
      await channel.sendEncoded(names.map((n) => wireMessage(n)));
      const received: ReceivedMessage[] = [];
      while (received.length < total) received.push(...(await channel.receiveBatch(total)));
      for (const item of received) await channel.deadLetter(item.receipt, 'refused');
      const [first, second] = [open(), open()];
      const moved = await Promise.all([
        first.requeueDeadLetters(Number.POSITIVE_INFINITY),
        second.requeueDeadLetters(Number.POSITIVE_INFINITY, { reason: 'refused' }),
      ]);
      assert.equal(moved[0] + moved[1], total, `requeued ${moved.join(' + ')}`);
      const again: string[] = [];
      for (let batch = await channel.receiveBatch(1000); batch.length > 0; batch = await channel.receiveBatch(1000)) {
        again.push(...batch.map((m) => nameOf(m) ?? ''));
      }
      assert.deepEqual(again.sort(), [...names].sort(), 'each dead letter queued once');
      assert.equal((await channel.status()).deadLetters, 0);
    });

    test('concurrent producers and consumers on one store: every message received exactly once', async () => {
      const { open } = await store();
      const producers = 3;
      const perProducer = 150;
      const total = producers * perProducer;
      const received: string[] = [];
      const deadline = Date.now() + 60_000;

      const produce = async (p: number): Promise<void> => {
        const channel = open();
        for (let i = 0; i < perProducer; ) {
          const size = Math.min(1 + ((i + p) % 7), perProducer - i);
          const batch = Array.from({ length: size }, (_, k) => wireMessage(`c${p}-${i + k}`));
          await channel.sendEncoded(batch);
          i += size;
          if (i % 20 < 7) await sleep(1);
        }
      };
      const consumeOne = async (): Promise<void> => {
        const channel = open();
        while (received.length < total && Date.now() < deadline) {
          const message = await channel.receive({ timeoutSeconds: 0.2 });
          if (!message) continue;
          received.push(nameOf(message) ?? '?');
          await channel.complete([message.receipt]);
        }
      };
      const consumeBatches = async (): Promise<void> => {
        const channel = open();
        while (received.length < total && Date.now() < deadline) {
          const batch = await channel.receiveBatch(25);
          if (batch.length === 0) {
            await sleep(10);
            continue;
          }
          received.push(...batch.map((m) => nameOf(m) ?? '?'));
          await channel.complete(receiptsOf(batch));
        }
      };
      await Promise.all([
        ...Array.from({ length: producers }, (_, p) => produce(p)),
        consumeOne(), consumeOne(), consumeBatches(), consumeBatches(),
      ]);

      const expected = Array.from({ length: producers }, (_, p) =>
        Array.from({ length: perProducer }, (_, i) => `c${p}-${i}`),
      ).flat();
      assert.equal(received.length, total, 'no message received twice or lost');
      assert.deepEqual([...received].sort(), expected.sort());
      const status = await open().status();
      assert.equal(status.queued, 0);
      assert.equal(status.inProgress, 0);
    });

    test('a consumer gone mid-publish leaves its messages in progress; another completes them', async () => {
      const { open } = await store();
      const producer = open();
      await producer.sendEncoded(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6'].map((n) => wireMessage(n)));
      const doomed = open();
      assert.equal(nameOf(await doomed.receive({ timeoutSeconds: 5 })), 'k0');
      assert.deepEqual((await doomed.receiveBatch(3)).map(nameOf), ['k1', 'k2', 'k3']);
      await doomed.close(); // as if killed before completing anything

      const survivor = open();
      const stuck = await survivor.inProgress(100);
      assert.deepEqual(stuck.map(nameOf), ['k0', 'k1', 'k2', 'k3']);
      assert.ok(stuck.every((item) => item.enteredAt > 0 && item.enteredAt <= Date.now()));
      await survivor.complete(receiptsOf(stuck));
      const status = await survivor.status();
      assert.equal(status.inProgress, 0);
      assert.equal(status.queued, 3, 'the queue is untouched');
      assert.deepEqual((await survivor.receiveBatch(10)).map(nameOf), ['k4', 'k5', 'k6']);
    });

    receiptConformance(store);
    leaseConformance(store);
    latestConformance(store);
  });
}
