import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Nanny } from '../../../src/agent/nanny.js';
import { PublishGate } from '../../../src/agent/publish-gate.js';
import { Counter } from '../../../src/metrics/counter.js';
import { Metrics } from '../../../src/metrics/metrics.js';
import { MemoryChannel } from '../../support/memory-channel.js';
import { counterMessage, silentLogger, waitFor } from './helpers.js';
import { FakePublisher, failTransiently, rejectWhere } from './fake-publisher.js';

const NOW = 1_800_000_000_000;
const THRESHOLD_S = 60;

function nanny(channel: MemoryChannel, publisher: FakePublisher, workers = 3, queryLimit = 100, gate?: PublishGate): Nanny {
  return new Nanny({
    channel,
    publisher,
    logger: silentLogger(),
    frequencySeconds: 0.02,
    thresholdSeconds: THRESHOLD_S,
    queryLimit,
    workers,
    publishBackoff: { initialMs: 5, maxMs: 20 },
    gate,
  });
}

describe('Nanny', () => {
  it('republishes only items in progress longer than the threshold, and completes them', async () => {
    const channel = new MemoryChannel({ now: () => NOW });
    channel.putInProgress(counterMessage('stuck'), NOW - 61_000);
    channel.putInProgress(counterMessage('fresh'), NOW - 59_000);
    const publisher = new FakePublisher();
    const report = await nanny(channel, publisher).runOnce();
    assert.deepEqual(publisher.published.map((m) => m.counters[0]?.name), ['stuck']);
    assert.equal(report.completed, 1);
    assert.equal(channel.inProgressCount, 1);
  });

  it('judges by time in progress, not by the message\'s serialized_at', async () => {
    const channel = new MemoryChannel({ now: () => NOW });
    const ancient = new Metrics([], [new Counter('old', 1_000_000n, {}, 1)], [], undefined, '2001-01-01T00:00:00.000000Z');
    channel.putInProgress(ancient, NOW - 1_000);
    const publisher = new FakePublisher();
    await nanny(channel, publisher).runOnce();
    assert.equal(publisher.calls, 0, 'an old message that just entered in-progress is not stuck');
  });

  it('looks at the oldest items first, at most queryLimit of them', async () => {
    const channel = new MemoryChannel({ now: () => NOW });
    for (let i = 0; i < 10; i += 1) channel.putInProgress(counterMessage(`m${i}`), NOW - 100_000 - i * 1000);
    const publisher = new FakePublisher();
    await nanny(channel, publisher, 1, 3).runOnce();
    assert.deepEqual(publisher.published.map((m) => m.counters[0]?.name), ['m9', 'm8', 'm7']);
  });

  it('dead-letters what the publisher rejects for good, with the reason', async () => {
    const channel = new MemoryChannel({ now: () => NOW });
    channel.putInProgress(counterMessage('bad'), NOW - 100_000);
    channel.putInProgress(counterMessage('good'), NOW - 100_000);
    const publisher = new FakePublisher(rejectWhere((m) => m.counters[0]?.name === 'bad', 'invalid tag'));
    const report = await nanny(channel, publisher).runOnce();
    assert.equal(report.deadLettered, 1);
    assert.equal(report.completed, 1);
    assert.equal(channel.deadLetterRecords[0]?.reason, 'invalid tag');
    assert.equal(channel.inProgressCount, 0);
  });

  it('an item that makes the publisher or channel throw does not stop the others or the nanny (in the original it failed the whole nanny)', async () => {
    const channel = new MemoryChannel({ now: () => NOW });
    for (const name of ['a', 'boom', 'b', 'c']) channel.putInProgress(counterMessage(name), NOW - 100_000);
    channel.putInProgress('{"not": "metrics"}', NOW - 100_000);
    const publisher = new FakePublisher((batch) => {
      if (batch[0]?.counters[0]?.name === 'boom') throw new Error('unexpected');
      return { rejected: [] };
    });
    channel.failNext('complete', new Error('redis hiccup'));
    const n = nanny(channel, publisher, 2);
    const first = await n.runOnce();
    assert.equal(first.failed, 1);
    assert.equal(channel.deadLetterRecords.length, 1, 'the undecodable one is dead-lettered by the channel');
    const second = await n.runOnce();
    assert.equal(second.stuck, 2, 'the next run still works: boom and the one whose complete failed');
    assert.deepEqual(new Set(publisher.published.map((m) => m.counters[0]?.name)), new Set(['a', 'b', 'c']));
  });

  it('on a transient failure, ends the run instead of hammering the database', async () => {
    const channel = new MemoryChannel({ now: () => NOW });
    for (let i = 0; i < 20; i += 1) channel.putInProgress(counterMessage(`m${i}`), NOW - 100_000);
    const publisher = new FakePublisher(failTransiently(1234));
    const report = await nanny(channel, publisher, 1).runOnce();
    assert.equal(report.transient, true);
    assert.equal(report.retryAfterMs, 1234);
    assert.equal(publisher.calls, 1);
    assert.equal(channel.inProgressCount, 20, 'nothing lost, nothing grows');
  });

  it('skips its run while the receivers\' gate is closed', async () => {
    const channel = new MemoryChannel({ now: () => NOW });
    channel.putInProgress(counterMessage('stuck'), NOW - 100_000);
    const gate = new PublishGate();
    gate.close();
    const publisher = new FakePublisher();
    await nanny(channel, publisher, 1, 100, gate).runOnce();
    assert.equal(publisher.calls, 0);
    assert.equal(channel.calls.inProgress, 0);
  });

  it('keeps running on its schedule through channel errors', async () => {
    const channel = new MemoryChannel({ now: () => NOW });
    channel.failNext('inProgress', new Error('ECONNREFUSED'), 3);
    channel.putInProgress(counterMessage('stuck'), NOW - 100_000);
    const publisher = new FakePublisher();
    const n = nanny(channel, publisher);
    const running = n.start();
    await waitFor(() => channel.inProgressCount === 0, 'republished after the channel came back');
    await n.stop();
    await running;
    assert.ok(channel.calls.inProgress >= 4);
  });
});
