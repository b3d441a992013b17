import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppReport } from '../../../chaos/app/app-config.js';
import { reconcileApp } from '../../../chaos/reconcile/reconcile-apps.js';

function report(sent: number, unacknowledged: number[], ackedWrites: [number, number, number][] = [[1_000, 1, sent]]): AppReport {
  return {
    name: 'app',
    sent,
    throws: 0,
    stats: { delivered: sent - unacknowledged.length, dropped: unacknowledged.length, buffered: 0 },
    failedWrites: 0,
    timeline: [],
    unacknowledged,
    ackedWrites,
    loop: [],
    startedAt: 0,
    stoppedAt: 0,
  };
}

const sumOf = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
const except = (sent: number, ...missing: number[]): number[] =>
  Array.from({ length: sent }, (_, i) => i + 1).filter((seq) => !missing.includes(seq));

describe('reconcileApp: by sequence number', () => {
  it('a message counted as dropped but stored anyway is allowed and reported, never lost or doubled', () => {
    // 3 and 4 were dropped by the client; 3 had reached Redis all the same.
    const stored = except(10, 4);
    const result = reconcileApp(report(10, [3, 4]), stored, sumOf(stored), []);
    assert.equal(result.lost, 0);
    assert.equal(result.doubled, 0);
    assert.equal(result.droppedStored, 1);
    assert.equal(result.droppedMissing, 1);
    assert.equal(result.sumMatches, true);
  });

  it('a counted drop does not excuse a different missing message', () => {
    // 3 was dropped but stored anyway; 7 was acknowledged and is missing: lost.
    const stored = except(10, 7);
    const result = reconcileApp(report(10, [3]), stored, sumOf(stored), []);
    assert.equal(result.lost, 1);
    assert.deepEqual(result.lostExamples, [7]);
    assert.equal(result.sumMatches, false);
  });

  it('acknowledged shortly before a redis-server SIGKILL and missing: the Redis-side limit, not lost', () => {
    const stored = except(10, 9, 10);
    const result = reconcileApp(report(10, [], [[1_000, 1, 8], [5_000, 9, 10]]), stored, sumOf(stored), [5_500]);
    assert.equal(result.redisLost, 2);
    assert.equal(result.lost, 0);
    assert.equal(result.sumMatches, true);
  });
});
