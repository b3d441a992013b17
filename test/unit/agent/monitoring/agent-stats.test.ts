import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentStats, PUBLISH_DURATION_BUCKETS } from '../../../../src/agent/monitoring/agent-stats.js';
import { registerSecret } from '../../../../src/logging/redact-secrets.js';
import { manualClock } from '../helpers.js';

describe('AgentStats', () => {
  it('counts attempts by outcome and their durations into buckets by upper bound', () => {
    const clock = manualClock();
    const stats = new AgentStats(clock.now);
    for (const [ms, outcome] of [[3, 'published'], [10, 'published'], [700, 'transient'], [60_000, 'failed']] as const) {
      const started = stats.now();
      clock.advance(ms);
      stats.attempt(outcome, started);
    }
    assert.deepEqual(stats.attempts, { published: 2, transient: 1, failed: 1 });
    const at = (bound: number): number => stats.durationCounts[PUBLISH_DURATION_BUCKETS.indexOf(bound)] as number;
    assert.equal(at(0.005), 1, '3 ms');
    assert.equal(at(0.01), 1, '10 ms is in the bucket whose bound it equals');
    assert.equal(at(1), 1, '700 ms');
    assert.equal(stats.durationCounts.at(-1), 1, '60 s is only in +Inf');
    assert.equal(stats.durationCounts.reduce((a, b) => a + b), 4);
    assert.ok(Math.abs(stats.durationSum - 60.713) < 1e-9);
  });

  it('adds up the time publishing was unavailable, the outage going on included', () => {
    const clock = manualClock();
    const stats = new AgentStats(clock.now);
    stats.unavailable();
    clock.advance(2000);
    stats.unavailable(); // a second worker seeing the same outage changes nothing
    clock.advance(1000);
    stats.available();
    clock.advance(5000);
    assert.equal(stats.unavailableSeconds(), 3);
    stats.unavailable();
    clock.advance(1500);
    assert.equal(stats.unavailableSeconds(), 4.5);
  });

  it('counts dead letters by reason class', () => {
    const stats = new AgentStats();
    stats.deadLetter('invalid');
    stats.deadLetter('refused');
    stats.deadLetter('invalid');
    assert.deepEqual([...stats.deadLettered], [['invalid', 2], ['refused', 1]]);
  });
});

describe('Readiness', () => {
  it('is ready until a side fails, names the side and the reason in one line, and recovers on success', () => {
    const stats = new AgentStats();
    const { readiness } = stats;
    assert.equal(readiness.problem(), undefined);
    readiness.publisherFailed('InfluxDB at http://127.0.0.1:8086 is unavailable:\n  cannot reach InfluxDB: ECONNREFUSED');
    assert.equal(readiness.problem(), 'publisher not writing: InfluxDB at http://127.0.0.1:8086 is unavailable: cannot reach InfluxDB: ECONNREFUSED');
    readiness.channelFailed('Error: connect ECONNREFUSED');
    assert.equal(readiness.problem(), 'channel unreachable: Error: connect ECONNREFUSED', 'the channel comes first');
    readiness.channelReachable();
    readiness.publisherWriting();
    assert.equal(readiness.problem(), undefined);
  });

  it('masks credentials in a reason', () => {
    registerSecret('readiness-secret-value');
    const { readiness } = new AgentStats();
    readiness.publisherFailed('refused for http://user:pw-in-url@host:1 with readiness-secret-value');
    const problem = readiness.problem() ?? '';
    assert.doesNotMatch(problem, /pw-in-url|readiness-secret-value/);
    assert.match(problem, /\[redacted\]/);
  });

  it('tells the probe how long ago the publisher last answered', () => {
    const clock = manualClock();
    const { readiness } = new AgentStats(clock.now);
    assert.equal(readiness.sincePublisherAnswered(), Number.POSITIVE_INFINITY);
    readiness.publisherWriting();
    clock.advance(1234);
    assert.equal(readiness.sincePublisherAnswered(), 1234);
  });
});
