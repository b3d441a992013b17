import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Heartbeats, STALE_FACTOR, STALE_SLACK_MS } from '../../../../src/agent/monitoring/heartbeats.js';
import { manualClock } from '../helpers.js';

describe('Heartbeats', () => {
  it('reports nothing while every loop beats within far less than its announced wait', () => {
    const clock = manualClock(1000);
    const beats = new Heartbeats(clock.now);
    const worker = beats.register('receiver worker 0', 10_000);
    const nanny = beats.register('nanny', 30_000);
    for (let i = 0; i < 10; i += 1) {
      clock.advance(10_000);
      worker.beat(10_000);
      if (i % 3 === 0) nanny.beat(30_000);
    }
    assert.deepEqual(beats.problems(), []);
  });

  it('names a loop that has not beaten for far longer than it announced', () => {
    const clock = manualClock(1000);
    const beats = new Heartbeats(clock.now);
    const worker = beats.register('receiver worker 1', 10_000);
    beats.register('nanny', 30_000).beat(30_000);
    worker.beat(10_000);
    clock.advance(STALE_FACTOR * 10_000 + STALE_SLACK_MS);
    assert.deepEqual(beats.problems(), [], 'at the limit it is still alive');
    clock.advance(1);
    assert.deepEqual(beats.problems(), ['receiver worker 1 has not ticked for 90 s (expected within 10 s)']);
    worker.beat(10_000);
    assert.deepEqual(beats.problems(), [], 'a beat makes it alive again');
  });

  it('a long announced wait (a backoff) is not taken for a hung loop', () => {
    const clock = manualClock(1000);
    const beats = new Heartbeats(clock.now);
    beats.register('nanny', 1000).beat(240_000);
    clock.advance(500_000);
    assert.deepEqual(beats.problems(), []);
  });

  it('names a loop that ended', () => {
    const beats = new Heartbeats(manualClock(1000).now);
    beats.register('publisher probe', 3000).end();
    beats.register('nanny', 3000);
    assert.deepEqual(beats.problems(), ['publisher probe stopped']);
  });
});
