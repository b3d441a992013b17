import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PublisherWork } from '../../../src/publishers/publisher-work.js';

/** A promise and its resolve, to hold work open until the test lets it end. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: Error) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('PublisherWork', () => {
  it('close() waits for running publishes and probes, whatever their outcome, then releases once', async () => {
    const work = new PublisherWork('TestPublisher');
    const publish = deferred<string>();
    const failing = deferred<string>();
    const probe = deferred<{ ok: true }>();
    const results = [work.publish(() => publish.promise), work.publish(() => failing.promise).catch((error: Error) => error.message), work.probe(() => probe.promise)];
    let releases = 0;
    const events: string[] = [];
    const closed = work.close(() => {
      releases += 1;
      events.push('released');
    });
    assert.equal(work.close(() => void (releases += 1)), closed, 'idempotent: the same promise, no second release');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(events, [], 'not released while work runs');
    publish.resolve('written');
    failing.reject(new Error('refused'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(events, [], 'the probe still runs');
    probe.resolve({ ok: true });
    await closed;
    assert.deepEqual(await Promise.all(results), ['written', 'refused', { ok: true }]);
    assert.equal(releases, 1);
  });

  it('after close(), a publish rejects and a probe answers not ok, neither running', async () => {
    const work = new PublisherWork('TestPublisher');
    await work.close(() => undefined);
    let ran = false;
    await assert.rejects(work.publish(async () => { ran = true; }), /TestPublisher\.publish\(\) was called after close\(\)/);
    assert.deepEqual(await work.probe(async () => { ran = true; return { ok: true }; }), { ok: false, reason: 'the publisher is closed' });
    assert.equal(ran, false);
  });
});
