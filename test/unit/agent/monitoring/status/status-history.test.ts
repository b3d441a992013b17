import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentStats, PUBLISH_DURATION_BUCKETS } from '../../../../../src/agent/monitoring/agent-stats.js';
import { StatusHistory } from '../../../../../src/agent/monitoring/status/status-history.js';
import { ratePerSecond, readStats, statusSample } from '../../../../../src/agent/monitoring/status/status-sample.js';
import { MemoryChannel } from '../../../../support/memory-channel.js';
import { manualClock } from '../../helpers.js';

/** Records `count` publish attempts of `ms` each with `outcome`. */
function attempts(stats: AgentStats, clock: ReturnType<typeof manualClock>, count: number, ms: number, outcome: 'published' | 'transient' | 'failed' = 'published'): void {
  for (let i = 0; i < count; i += 1) {
    const started = stats.now();
    clock.advance(ms);
    stats.attempt(outcome, started);
  }
}

describe('ratePerSecond', () => {
  it('is the increase per second, 0 over an empty interval, never negative', () => {
    assert.equal(ratePerSecond(10, 30, 2), 10);
    assert.equal(ratePerSecond(10, 10, 2), 0);
    assert.equal(ratePerSecond(10, 30, 0), 0);
    assert.equal(ratePerSecond(30, 10, 2), 0);
  });
});

describe('statusSample', () => {
  it('turns two readings into rates, the interval\'s latency quantiles and errors by class', () => {
    const clock = manualClock();
    const stats = new AgentStats(clock.now);
    stats.received = 100;
    stats.published = 90;
    attempts(stats, clock, 50, 200);
    const before = readStats(stats, 1_000_000);
    stats.received += 40;
    stats.published += 30;
    attempts(stats, clock, 95, 3);
    attempts(stats, clock, 3, 3000, 'transient');
    attempts(stats, clock, 2, 1, 'failed');
    stats.deadLetter('max-series-per-database');
    const after = readStats(stats, 1_005_000);
    const status = { queued: 7, inProgress: 2, oldestInProgressAt: 0, oldestInProgressMs: 1500, deadLetters: 4, deadLetterAlarmThreshold: 10 };
    const sample = statusSample(before, after, status);
    assert.equal(sample.atMs, 1_005_000);
    assert.equal(sample.receivedPerSecond, 8);
    assert.equal(sample.publishedPerSecond, 6);
    // Only this interval's 100 attempts count, not the 50 of 200 ms before: 97 in the first
    // bucket, (0, 5 ms], and 3 in (2.5 s, 5 s].
    assert.equal(PUBLISH_DURATION_BUCKETS[0], 0.005);
    assert.ok(Math.abs((sample.publishP50Seconds as number) - (0.005 * 50) / 97) < 1e-12);
    assert.ok(Math.abs((sample.publishP99Seconds as number) - (2.5 + (2.5 * 2) / 3)) < 1e-12);
    assert.deepEqual(sample.errorsPerSecond, { transient: 0.6, failed: 0.4, 'dead-lettered: max-series-per-database': 0.2 });
    assert.deepEqual(
      [sample.queued, sample.inProgress, sample.oldestInProgressSeconds, sample.deadLetters],
      [7, 2, 1.5, 4],
    );
  });

  it('leaves the channel\'s figures null when it did not answer, and the quantiles null without attempts', () => {
    const stats = new AgentStats();
    const sample = statusSample(readStats(stats, 0), readStats(stats, 2000), undefined);
    assert.deepEqual(
      [sample.queued, sample.inProgress, sample.oldestInProgressSeconds, sample.deadLetters, sample.publishP50Seconds, sample.publishP99Seconds],
      [null, null, null, null, null, null],
    );
    assert.deepEqual(sample.errorsPerSecond, {});
  });
});

describe('StatusHistory', () => {
  it('samples into a bounded ring and answers columns aligned with time, error classes filled with 0', async () => {
    const wall = manualClock(1_700_000_000_000);
    const stats = new AgentStats();
    const channel = new MemoryChannel();
    const history = new StatusHistory({ stats, channel, capacity: 3, intervalMs: 2000, wallClock: wall.now });
    history.start();
    try {
      for (let i = 1; i <= 5; i += 1) {
        wall.advance(2000);
        stats.received += 10 * i;
        stats.published += 10 * i;
        if (i === 4) stats.deadLetter('rejected');
        await history.sample();
      }
      const columns = history.columns();
      assert.equal(columns.capacity, 3);
      assert.equal(columns.intervalSeconds, 2);
      assert.deepEqual(columns.time, [1_700_000_006, 1_700_000_008, 1_700_000_010]);
      assert.deepEqual(columns.receivedPerSecond, [15, 20, 25]);
      assert.deepEqual(columns.publishedPerSecond, [15, 20, 25]);
      assert.deepEqual(columns.queued, [0, 0, 0]);
      assert.deepEqual(columns.errorsPerSecond, { 'dead-lettered: rejected': [0, 0.5, 0] });
      assert.equal(history.latest()?.receivedPerSecond, 25);
    } finally {
      history.stop();
    }
  });

  it('takes one channel read at a time: a sample asked for while one waits is the same sample', async () => {
    const wall = manualClock(0);
    const channel = new MemoryChannel();
    const history = new StatusHistory({ stats: new AgentStats(), channel, wallClock: wall.now });
    history.start();
    wall.advance(2000);
    const first = history.sample();
    const second = history.sample();
    assert.equal(first, second);
    await first;
    assert.equal(channel.calls.status, 1);
    history.stop();
  });
});
