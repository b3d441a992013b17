import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Receiver } from '../../../src/agent/receiver.js';
import { TransientPublishError } from '../../../src/errors/publish-error.js';
import { encodeMetrics } from '../../../src/wire/codec.js';
import { MemoryChannel } from '../../support/memory-channel.js';
import { captureLogger, counterMessage, delay, silentLogger, waitFor } from './helpers.js';
import { FakePublisher, failTransiently, holdWhere, rejectWhere, succeed } from './fake-publisher.js';

const fastBackoff = { publishBackoff: { initialMs: 5, maxMs: 20 }, channelBackoff: { initialMs: 5, maxMs: 20 } };

async function queue(channel: MemoryChannel, count: number, prefix = 'm'): Promise<void> {
  for (let i = 0; i < count; i += 1) await channel.send(counterMessage(`${prefix}${i}`, i));
}

describe('Receiver', () => {
  it('coalesces a backlog: after a successful publish a worker adds what is waiting, up to maxBatchSize', async () => {
    const channel = new MemoryChannel();
    const publisher = new FakePublisher();
    await queue(channel, 23);
    const receiver = new Receiver({ channel, publisher, logger: silentLogger(), workers: 1, ...fastBackoff, maxBatchSize: 10 });
    const running = receiver.start();
    try {
      await waitFor(() => publisher.published.length === 23 && channel.inProgressCount === 0, 'all published');
    } finally {
      await receiver.stop();
      await running;
    }
    // The first message goes alone; then batches of up to 10 from what is waiting.
    assert.deepEqual(publisher.batches.map((b) => b.length), [1, 10, 10, 2]);
    const names = publisher.published.map((m) => m.counters[0]?.name);
    assert.deepEqual(names, Array.from({ length: 23 }, (_, i) => `m${i}`), 'in queue order, each once');
  });

  it('after a failed publish the next delivery is a single message again', async () => {
    const channel = new MemoryChannel();
    // An unclassified failure on the first coalesced batch; everything else succeeds.
    const publisher = new FakePublisher((batch) => {
      if (batch.length === 6) throw new Error('publisher bug');
      return { rejected: [] };
    });
    const receiver = new Receiver({ channel, publisher, logger: silentLogger(), workers: 1, ...fastBackoff, maxBatchSize: 10 });
    const running = receiver.start();
    const sendAll = (prefix: string, count: number): Promise<void> =>
      channel.sendEncoded(Array.from({ length: count }, (_, i) => encodeMetrics(counterMessage(`${prefix}${i}`, i))));
    try {
      await sendAll('a', 1);
      await waitFor(() => publisher.published.length === 1, 'a0 published alone');
      await sendAll('b', 6); // all at once: one received, five waiting
      await waitFor(() => publisher.calls === 2, 'the batch of six failed');
      await sendAll('c', 3);
      await waitFor(() => publisher.published.length === 4, 'the c messages published');
    } finally {
      await receiver.stop();
      await running;
    }
    assert.deepEqual(publisher.batches.map((b) => b.length), [1, 1, 2], 'single after the failure, then coalesced');
    assert.equal(channel.inProgressCount, 6, 'the failed batch stays in progress for the nanny');
  });

  it('a message the publisher holds stays in progress, never dead-lettered, while the others keep flowing', async () => {
    const channel = new MemoryChannel();
    const publisher = new FakePublisher(holdWhere((m) => m.counters[0]?.name === 'held'));
    await channel.send(counterMessage('held', 1));
    await queue(channel, 5);
    const receiver = new Receiver({ channel, publisher, logger: silentLogger(), workers: 1, ...fastBackoff, maxBatchSize: 1 });
    const running = receiver.start();
    try {
      await waitFor(() => publisher.published.length === 5 && channel.queuedCount === 0, 'the others published');
      assert.ok(receiver.gate.isOpen, 'a held message does not stop the receivers');
    } finally {
      await receiver.stop();
      await running;
    }
    assert.equal(channel.inProgressCount, 1, 'the held one waits in progress for the nanny');
    assert.equal(channel.deadLetterRecords.length, 0);
  });

  it('publishes every message once with N workers, then completes it', async () => {
    const channel = new MemoryChannel();
    const publisher = new FakePublisher();
    publisher.delayMs = 2;
    await queue(channel, 30);
    const receiver = new Receiver({ channel, publisher, logger: silentLogger(), workers: 3, ...fastBackoff });
    const running = receiver.start();
    await waitFor(() => publisher.published.length === 30 && channel.inProgressCount === 0, 'all published');
    await receiver.stop();
    await running;
    const names = publisher.published.map((m) => m.counters[0]?.name).sort();
    assert.equal(new Set(names).size, 30);
    assert.equal(publisher.maxInFlight, 3, 'three workers publish concurrently');
    assert.equal(channel.queuedCount, 0);
  });

  it('dead-letters what the publisher rejects for good, with its reason, and completes the rest', async () => {
    const channel = new MemoryChannel();
    const publisher = new FakePublisher(rejectWhere((m) => m.counters[0]?.name === 'bad', 'tag ends in a backslash'));
    await queue(channel, 3);
    await channel.send(counterMessage('bad'));
    const receiver = new Receiver({ channel, publisher, logger: silentLogger(), workers: 2, ...fastBackoff });
    const running = receiver.start();
    await waitFor(() => channel.deadLetterRecords.length === 1 && channel.inProgressCount === 0, 'settled');
    await receiver.stop();
    await running;
    assert.equal(channel.deadLetterRecords[0]?.reason, 'tag ends in a backslash');
    assert.match(channel.deadLetterRecords[0]?.message ?? '', /"bad"/);
    assert.equal(publisher.published.length, 3);
  });

  it('stops taking messages while publishing fails, keeps in-progress within the workers, resumes on recovery (the original kept moving the queue into in-progress)', async () => {
    const channel = new MemoryChannel();
    const publisher = new FakePublisher(failTransiently());
    await queue(channel, 200);
    const receiver = new Receiver({ channel, publisher, logger: silentLogger(), workers: 3, ...fastBackoff });
    const running = receiver.start();
    await waitFor(() => publisher.calls >= 20, 'several failed attempts');
    assert.equal(receiver.gate.isOpen, false, 'the gate is closed while publishing fails');
    assert.ok(channel.maxInProgress <= 3, `in-progress stayed within the workers (max ${channel.maxInProgress})`);
    assert.ok(channel.queuedCount >= 197, 'the queue was left alone');
    assert.equal(publisher.published.length, 0);

    publisher.behaviour = succeed;
    await waitFor(() => publisher.published.length === 200 && channel.inProgressCount === 0, 'drained after recovery');
    assert.equal(receiver.gate.isOpen, true);
    assert.ok(channel.maxInProgress <= 3);
    await receiver.stop();
    await running;
  });

  it('keeps a message in progress (not completed) while its publish fails transiently', async () => {
    const channel = new MemoryChannel();
    const publisher = new FakePublisher(failTransiently());
    await queue(channel, 1);
    const receiver = new Receiver({ channel, publisher, logger: silentLogger(), workers: 1, ...fastBackoff });
    const running = receiver.start();
    await waitFor(() => publisher.calls >= 3, 'retries');
    assert.equal(channel.calls.complete, 0);
    await receiver.stop();
    await running;
    assert.equal(channel.inProgressCount, 1, 'left for the nanny');
  });

  it('honours Retry-After while retrying', async () => {
    const channel = new MemoryChannel();
    const publisher = new FakePublisher(failTransiently(150));
    await queue(channel, 1);
    const receiver = new Receiver({ channel, publisher, logger: silentLogger(), workers: 1, publishBackoff: { initialMs: 5, maxMs: 1000 } });
    const running = receiver.start();
    await delay(250);
    await receiver.stop();
    await running;
    assert.ok(publisher.calls <= 2, `at most 2 attempts in 250 ms with Retry-After 150 ms (got ${publisher.calls})`);
  });

  it('leaves a message to the nanny when the publisher fails unexpectedly, and goes on with the next', async () => {
    const channel = new MemoryChannel();
    const publisher = new FakePublisher((batch) => {
      if (batch[0]?.counters[0]?.name === 'boom') throw new TypeError('bug in publisher');
      return { rejected: [] };
    });
    await channel.send(counterMessage('boom'));
    await queue(channel, 3);
    const receiver = new Receiver({ channel, publisher, logger: silentLogger(), workers: 1, ...fastBackoff });
    const running = receiver.start();
    await waitFor(() => publisher.published.length === 3, 'the others published');
    await receiver.stop();
    await running;
    assert.equal(channel.inProgressCount, 1);
    assert.equal(receiver.gate.isOpen, true, 'an unclassified error does not close the gate');
  });

  it('does not deadlock when a held message then fails unexpectedly: the gate reopens', async () => {
    const channel = new MemoryChannel();
    let calls = 0;
    const publisher = new FakePublisher(() => {
      calls += 1;
      if (calls === 1) throw new TransientPublishError('down');
      if (calls === 2) throw new Error('unclassified');
      return { rejected: [] };
    });
    await queue(channel, 5);
    const receiver = new Receiver({ channel, publisher, logger: silentLogger(), workers: 1, ...fastBackoff });
    const running = receiver.start();
    await waitFor(() => publisher.published.length === 4, 'the rest published');
    await receiver.stop();
    await running;
    assert.equal(receiver.gate.isOpen, true);
    assert.equal(channel.inProgressCount, 1, 'the one that failed unexpectedly is left for the nanny');
  });

  it('survives channel errors: logs, backs off, carries on', async () => {
    const channel = new MemoryChannel();
    const publisher = new FakePublisher();
    channel.failNext('receive', new Error('ECONNREFUSED'), 5);
    channel.failNext('complete', new Error('ECONNRESET'), 1);
    await queue(channel, 4);
    const receiver = new Receiver({ channel, publisher, logger: silentLogger(), workers: 2, ...fastBackoff });
    const running = receiver.start();
    await waitFor(() => publisher.published.length === 4, 'published despite channel errors');
    await receiver.stop();
    await running;
    assert.equal(channel.inProgressCount, 1, 'the one whose complete failed stays in progress for the nanny');
  });

  it('stops promptly while blocked in receive (the 10 s wait is aborted)', async () => {
    const channel = new MemoryChannel();
    const receiver = new Receiver({ channel, publisher: new FakePublisher(), logger: silentLogger(), workers: 3 });
    const running = receiver.start();
    await delay(20);
    const started = Date.now();
    await receiver.stop();
    await running;
    assert.ok(Date.now() - started < 500, `stopped in ${Date.now() - started} ms`);
  });

  it('on stop, lets the in-flight publish finish and complete, and takes nothing new', async () => {
    const channel = new MemoryChannel();
    const publisher = new FakePublisher();
    publisher.delayMs = 150;
    await queue(channel, 5);
    const receiver = new Receiver({ channel, publisher, logger: silentLogger(), workers: 1, ...fastBackoff });
    const running = receiver.start();
    await waitFor(() => publisher.inFlight === 1, 'a publish in flight');
    await receiver.stop();
    await running;
    assert.equal(publisher.published.length, 1, 'the in-flight publish finished');
    assert.equal(channel.inProgressCount, 0, 'and was completed');
    assert.equal(channel.queuedCount, 4, 'nothing new was taken');
  });

  it('stop() is idempotent and safe before start()', async () => {
    const receiver = new Receiver({ channel: new MemoryChannel(), publisher: new FakePublisher(), logger: silentLogger(), workers: 1 });
    const first = receiver.stop();
    assert.equal(receiver.stop(), first);
    await first;
    await receiver.start();
  });

  it('logs an outage once for all workers (the line the chaos suite counts), and its recovery once', async () => {
    const channel = new MemoryChannel();
    await queue(channel, 10);
    const publisher = new FakePublisher(failTransiently());
    const { logger, lines } = captureLogger('info');
    const receiver = new Receiver({ channel, publisher, logger, workers: 3, ...fastBackoff });
    const running = receiver.start();
    await waitFor(() => publisher.calls >= 10, 'retries');
    publisher.behaviour = succeed;
    await waitFor(() => publisher.published.length === 10 && channel.inProgressCount === 0, 'drained after recovery');
    await receiver.stop();
    await running;
    const messages = lines.map((line) => line.msg);
    assert.equal(messages.filter((msg) => msg === 'publishing failed; receivers stop taking new messages until it recovers').length, 1);
    assert.equal(messages.filter((msg) => msg === 'publishing recovered; receivers take new messages again').length, 1);
  });

  it('pauses after a batch refused whole, so a server refusing everything cannot sweep the queue into in-progress', async () => {
    const channel = new MemoryChannel();
    await queue(channel, 50);
    const publisher = new FakePublisher(holdWhere(() => true));
    const receiver = new Receiver({ channel, publisher, logger: silentLogger(), workers: 1, publishBackoff: { initialMs: 100, maxMs: 100 } });
    const running = receiver.start();
    await delay(150);
    await receiver.stop();
    await running;
    // Pauses of 50 to 100 ms: four attempts at most; without them, all 50 messages.
    assert.ok(publisher.calls <= 4, `one refused message per pause (got ${publisher.calls} in 150 ms)`);
    assert.equal(receiver.gate.isOpen, true, 'the server answered: the gate stays open');
    assert.equal(channel.deadLetterRecords.length, 0);
  });
});
