import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchedNanny } from '../../../src/agent/batched-nanny.js';
import { MemoryChannel } from '../../support/memory-channel.js';
import { counterMessage, silentLogger } from './helpers.js';
import { FakePublisher, failTransiently } from './fake-publisher.js';

const NOW = 1_800_000_000_000;

function batchedNanny(channel: MemoryChannel, publisher: FakePublisher, maxBatchSize = 100): BatchedNanny {
  return new BatchedNanny({ channel, publisher, logger: silentLogger(), frequencySeconds: 30, thresholdSeconds: 60, maxBatchSize });
}

describe('BatchedNanny', () => {
  it('republishes the stuck items as one batch and completes them', async () => {
    const channel = new MemoryChannel({ now: () => NOW });
    for (let i = 0; i < 5; i += 1) channel.putInProgress(counterMessage(`old${i}`), NOW - 100_000 + i);
    channel.putInProgress(counterMessage('fresh'), NOW - 1_000);
    const publisher = new FakePublisher();
    const report = await batchedNanny(channel, publisher).runOnce();
    assert.equal(publisher.calls, 1);
    assert.equal(publisher.batches[0]?.length, 5);
    assert.equal(report.completed, 5);
    assert.equal(channel.inProgressCount, 1);
  });

  it('takes at most maxBatchSize items, oldest first', async () => {
    const channel = new MemoryChannel({ now: () => NOW });
    for (let i = 0; i < 5; i += 1) channel.putInProgress(counterMessage(`m${i}`), NOW - 100_000 - i);
    const publisher = new FakePublisher();
    await batchedNanny(channel, publisher, 2).runOnce();
    assert.deepEqual(publisher.published.map((m) => m.counters[0]?.name), ['m4', 'm3']);
  });

  it('when the batch fails unexpectedly, tries items one by one so one bad item cannot keep the batch stuck (the original left it stuck)', async () => {
    const channel = new MemoryChannel({ now: () => NOW });
    for (const name of ['a', 'boom', 'b']) channel.putInProgress(counterMessage(name), NOW - 100_000);
    const publisher = new FakePublisher((batch) => {
      if (batch.some((m) => m.counters[0]?.name === 'boom')) throw new Error('unexpected');
      return { rejected: [] };
    });
    const report = await batchedNanny(channel, publisher).runOnce();
    assert.equal(report.completed, 2);
    assert.equal(report.failed, 1);
    assert.equal(channel.inProgressCount, 1);
  });

  it('reports a transient failure and leaves everything in progress', async () => {
    const channel = new MemoryChannel({ now: () => NOW });
    channel.putInProgress(counterMessage('a'), NOW - 100_000);
    const report = await batchedNanny(channel, new FakePublisher(failTransiently())).runOnce();
    assert.equal(report.transient, true);
    assert.equal(channel.inProgressCount, 1);
  });
});
