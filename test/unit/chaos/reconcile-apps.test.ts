import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reconcileApp } from '../../../chaos/reconcile/reconcile-apps.js';
import { appReport as report, except, sumOf } from './app-report.js';

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
