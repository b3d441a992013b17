import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchedReceiver, SLICE_MESSAGES } from '../../../src/agent/batched-receiver.js';
import { MemoryChannel } from '../../support/memory-channel.js';
import { captureLogger, counterMessage, delay, silentLogger, waitFor } from './helpers.js';
import { FakePublisher, failTransiently, holdWhere, rejectWhere, succeed } from './fake-publisher.js';

async function queue(channel: MemoryChannel, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) await channel.send(counterMessage(`m${i}`, i));
}

const fast = { publishBackoff: { initialMs: 5, maxMs: 20 } };

describe('BatchedReceiver', () => {
  it('publishes up to maxBatchSize messages as one batch and completes them in one call', async () => {
    const channel = new MemoryChannel();
    const publisher = new FakePublisher();
    await queue(channel, 25);
    const receiver = new BatchedReceiver({ channel, publisher, logger: silentLogger(), intervalSeconds: 60, maxBatchSize: 10, ...fast });
    assert.equal(await receiver.runOnce(), 10);
    assert.equal(publisher.calls, 1);
    assert.equal(publisher.batches[0]?.length, 10);
    assert.equal(channel.calls.complete, 1);
    assert.equal(channel.inProgressCount, 0);
    assert.equal(channel.queuedCount, 15);
  });

  it('takes a big batch in slices of SLICE_MESSAGES, publishing each before taking the next', async () => {
    const channel = new MemoryChannel();
    await queue(channel, 2_600);
    const inProgressAtPublish: number[] = [];
    const publisher = new FakePublisher(() => {
      inProgressAtPublish.push(channel.inProgressCount);
      return { rejected: [] };
    });
    const receiver = new BatchedReceiver({ channel, publisher, logger: silentLogger(), intervalSeconds: 60, maxBatchSize: 2_500, ...fast });
    assert.equal(await receiver.runOnce(), 2_500);
    assert.deepEqual(publisher.batches.map((b) => b.length), [SLICE_MESSAGES, SLICE_MESSAGES, 500]);
    assert.deepEqual(inProgressAtPublish, [SLICE_MESSAGES, SLICE_MESSAGES, 500], 'one slice in progress at a time');
    assert.equal(channel.queuedCount, 100);
    assert.equal(channel.inProgressCount, 0);
  });

  it('a slice that cannot be published stops the run and leaves the rest of the batch queued', async () => {
    const channel = new MemoryChannel();
    await queue(channel, 2_500);
    let publishes = 0;
    const publisher = new FakePublisher(() => {
      publishes += 1;
      if (publishes === 2) throw new Error('unexpected');
      return { rejected: [] };
    });
    assert.equal(await new BatchedReceiver({ channel, publisher, logger: silentLogger(), intervalSeconds: 60, maxBatchSize: 10_000, ...fast }).runOnce(), 2 * SLICE_MESSAGES);
    assert.equal(channel.inProgressCount, SLICE_MESSAGES, 'the failed slice stays for the nanny');
    assert.equal(channel.queuedCount, 500, 'the rest was never taken');
    assert.equal(publisher.calls, 2);
  });

  it('dead-letters rejected messages and completes the rest', async () => {
    const channel = new MemoryChannel();
    await queue(channel, 4);
    const publisher = new FakePublisher(rejectWhere((m) => m.counters[0]?.name === 'm2', 'no'));
    await new BatchedReceiver({ channel, publisher, logger: silentLogger(), intervalSeconds: 60, maxBatchSize: 10, ...fast }).runOnce();
    assert.equal(channel.deadLetterRecords.length, 1);
    assert.equal(channel.deadLetterRecords[0]?.reason, 'no');
    assert.equal(channel.inProgressCount, 0);
    assert.equal(publisher.published.length, 3);
  });

  it('an empty queue costs one receiveBatch call per interval and no publish (the original popped 10,000 times)', async () => {
    const channel = new MemoryChannel();
    const publisher = new FakePublisher();
    const receiver = new BatchedReceiver({ channel, publisher, logger: silentLogger(), intervalSeconds: 0.05, maxBatchSize: 10_000, ...fast });
    const running = receiver.start();
    await delay(280);
    await receiver.stop();
    await running;
    assert.ok(channel.calls.receiveBatch >= 3 && channel.calls.receiveBatch <= 7, `${channel.calls.receiveBatch} calls`);
    assert.equal(publisher.calls, 0);
  });

  it('while publishing fails it holds its batch, retries it, and takes nothing new (the original kept moving the queue into in-progress)', async () => {
    const channel = new MemoryChannel();
    await queue(channel, 30);
    const publisher = new FakePublisher(failTransiently());
    const receiver = new BatchedReceiver({ channel, publisher, logger: silentLogger(), intervalSeconds: 0.01, maxBatchSize: 10, ...fast });
    const running = receiver.start();
    await waitFor(() => publisher.calls >= 5, 'retries');
    assert.equal(channel.calls.receiveBatch, 1);
    assert.equal(channel.inProgressCount, 10);
    assert.equal(receiver.gate.isOpen, false);
    publisher.behaviour = succeed;
    await waitFor(() => publisher.published.length === 30 && channel.inProgressCount === 0, 'drained');
    assert.equal(receiver.gate.isOpen, true);
    await receiver.stop();
    await running;
  });

  it('stop() is prompt, does not wait out the interval, and takes no new batch (the original kept draining the queue)', async () => {
    const channel = new MemoryChannel();
    const publisher = new FakePublisher();
    const receiver = new BatchedReceiver({ channel, publisher, logger: silentLogger(), intervalSeconds: 60, maxBatchSize: 10, ...fast });
    const running = receiver.start();
    await waitFor(() => channel.calls.receiveBatch === 1, 'first batch');
    await queue(channel, 5);
    const started = Date.now();
    await receiver.stop();
    await running;
    assert.ok(Date.now() - started < 200, `stopped in ${Date.now() - started} ms`);
    assert.equal(channel.calls.receiveBatch, 1);
    assert.equal(channel.queuedCount, 5);
  });

  it('on stop, the in-flight batch publish finishes and is completed', async () => {
    const channel = new MemoryChannel();
    await queue(channel, 5);
    const publisher = new FakePublisher();
    publisher.delayMs = 150;
    const receiver = new BatchedReceiver({ channel, publisher, logger: silentLogger(), intervalSeconds: 60, maxBatchSize: 3, ...fast });
    const running = receiver.start();
    await waitFor(() => publisher.inFlight === 1, 'publishing');
    await receiver.stop();
    await running;
    assert.equal(publisher.published.length, 3);
    assert.equal(channel.inProgressCount, 0);
    assert.equal(channel.queuedCount, 2);
  });

  it('on stop while retrying, leaves the held batch in progress for the nanny', async () => {
    const channel = new MemoryChannel();
    await queue(channel, 3);
    const publisher = new FakePublisher(failTransiently());
    const receiver = new BatchedReceiver({ channel, publisher, logger: silentLogger(), intervalSeconds: 60, maxBatchSize: 10, publishBackoff: { initialMs: 10_000 } });
    const running = receiver.start();
    await waitFor(() => publisher.calls === 1, 'first attempt');
    const started = Date.now();
    await receiver.stop();
    await running;
    assert.ok(Date.now() - started < 200);
    assert.equal(channel.inProgressCount, 3);
  });

  it('a slice refused whole stays in progress for the nanny and ends the round; the gate stays open', async () => {
    const channel = new MemoryChannel();
    await queue(channel, 25);
    const publisher = new FakePublisher(holdWhere(() => true));
    const receiver = new BatchedReceiver({ channel, publisher, logger: silentLogger(), intervalSeconds: 60, maxBatchSize: 10, ...fast });
    assert.equal(await receiver.runOnce(), 10);
    assert.equal(publisher.calls, 1, 'refused whole: not retried by the receiver');
    assert.equal(channel.inProgressCount, 10);
    assert.equal(channel.deadLetterRecords.length, 0);
    assert.equal(receiver.gate.isOpen, true);
  });

  it('logs an outage once, as the default receiver does, and its recovery once', async () => {
    const channel = new MemoryChannel();
    await queue(channel, 3);
    const publisher = new FakePublisher(failTransiently());
    const { logger, lines } = captureLogger('info');
    const receiver = new BatchedReceiver({ channel, publisher, logger, intervalSeconds: 60, maxBatchSize: 10, ...fast });
    const running = receiver.start();
    await waitFor(() => publisher.calls >= 5, 'retries');
    publisher.behaviour = succeed;
    await waitFor(() => channel.inProgressCount === 0 && channel.queuedCount === 0, 'published after recovery');
    await receiver.stop();
    await running;
    const messages = lines.map((line) => line.msg);
    assert.equal(messages.filter((msg) => msg === 'publishing failed; receivers stop taking new messages until it recovers').length, 1);
    assert.equal(messages.filter((msg) => msg === 'publishing recovered; receivers take new messages again').length, 1);
  });
});
