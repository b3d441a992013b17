import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { abortableSleep } from '../../../src/agent/abortable-sleep.js';
import { Backoff } from '../../../src/retry/backoff.js';
import { describeError } from '../../../src/agent/channel-failures.js';
import { PublishGate } from '../../../src/agent/publish-gate.js';

describe('Backoff', () => {
  it('grows exponentially with jitter up to maxMs and resets', () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 1000 });
    const delays = Array.from({ length: 8 }, () => backoff.next());
    assert.ok(delays[0]! >= 50 && delays[0]! <= 100);
    assert.ok(delays[3]! >= 400 && delays[3]! <= 800);
    assert.ok(delays.every((d) => d <= 1000));
    backoff.reset();
    assert.ok(backoff.next() <= 100);
  });

  it('honours Retry-After as a minimum, capped at maxMs', () => {
    const backoff = new Backoff({ initialMs: 10, maxMs: 5000 });
    assert.equal(backoff.next(2000), 2000);
    assert.equal(backoff.next(60_000), 5000);
  });
});

describe('PublishGate', () => {
  it('wakes waiters when it opens; reports transitions once', async () => {
    const gate = new PublishGate();
    assert.equal(gate.close(), true);
    assert.equal(gate.close(), false);
    let woke = false;
    const waiting = gate.whenOpen().then(() => (woke = true));
    await Promise.resolve();
    assert.equal(woke, false);
    assert.equal(gate.open(), true);
    await waiting;
    assert.equal(gate.open(), false);
  });

  it('releases a waiter when its signal aborts', async () => {
    const gate = new PublishGate();
    gate.close();
    const controller = new AbortController();
    const waiting = gate.whenOpen(controller.signal);
    controller.abort();
    await waiting;
    assert.equal(gate.isOpen, false);
  });
});

describe('abortableSleep', () => {
  it('ends early on abort and says so', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const sleeping = abortableSleep(10_000, controller.signal);
    controller.abort();
    assert.equal(await sleeping, false);
    assert.ok(Date.now() - started < 100);
    assert.equal(await abortableSleep(1), true);
  });
});

describe('describeError', () => {
  it('masks credentials in URLs', () => {
    const text = describeError(new Error('cannot connect to redis://user:s3cret@host:6379/0'));
    assert.ok(!text.includes('s3cret'));
    assert.match(text, /redis:\/\/\[redacted\]@host/);
  });
});
