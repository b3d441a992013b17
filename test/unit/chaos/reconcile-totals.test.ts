import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reconcileAppTotals } from '../../../chaos/reconcile/reconcile-totals.js';
import { appReport as report, except, sumOf } from './app-report.js';

/** The count and sum of `seqs`, as a store of totals would report them. */
const totals = (seqs: readonly number[]): { count: number; sum: number } => ({ count: seqs.length, sum: sumOf(seqs) });

describe('reconcileAppTotals: a store that keeps only totals', () => {
  it('every acknowledged message counted once: nothing lost or doubled', () => {
    const result = reconcileAppTotals(report(10), totals(except(10)), []);
    assert.deepEqual([result.lost, result.doubled, result.stored, result.copies, result.sumMatches], [0, 0, 10, 0, true]);
  });

  it('a message counted twice with no write in doubt is a double', () => {
    const result = reconcileAppTotals(report(10), totals([...except(10), 4]), []);
    assert.equal(result.doubled, 1);
    assert.equal(result.lost, 0);
    assert.equal(result.sumMatches, false);
  });

  it('a message missing with no redis-server SIGKILL is lost', () => {
    const result = reconcileAppTotals(report(10), totals(except(10, 6)), []);
    assert.equal(result.lost, 1);
    assert.equal(result.doubled, 0);
    assert.equal(result.sumMatches, false);
  });

  it('a loss and a double that cancel in the count still fail: the sum tells', () => {
    const result = reconcileAppTotals(report(10), totals([...except(10, 6), 2]), []);
    assert.deepEqual([result.lost, result.doubled], [0, 0]);
    assert.equal(result.sumMatches, false);
  });

  it('the copy of a client write in doubt may count again, and is reported, not doubled', () => {
    const result = reconcileAppTotals(report(10, [], undefined, [7, 8]), totals([...except(10), 8]), []);
    assert.deepEqual([result.lost, result.doubled, result.copies, result.stored, result.sumMatches], [0, 0, 1, 10, true]);
  });

  it('a write in doubt excuses a copy of its own messages only', () => {
    // 7 was in doubt; 2 was counted twice: the count fits, the sum does not.
    const other = reconcileAppTotals(report(10, [], undefined, [7]), totals([...except(10), 2]), []);
    assert.equal(other.sumMatches, false);
    // Two copies of 7 where one write failed: one copy too many.
    const twice = reconcileAppTotals(report(10, [], undefined, [7]), totals([...except(10), 7, 7]), []);
    assert.equal(twice.doubled, 1);
    assert.equal(twice.sumMatches, false);
  });

  it('missing and acknowledged just before a redis-server SIGKILL: the Redis-side limit; earlier: lost', () => {
    const acked: [number, number, number][] = [[1_000, 1, 8], [5_000, 9, 10]];
    const limit = reconcileAppTotals(report(10, [], acked), totals(except(10, 9, 10)), [5_500]);
    assert.deepEqual([limit.lost, limit.redisLost, limit.stored, limit.sumMatches], [0, 2, 8, true]);
    const lost = reconcileAppTotals(report(10, [], acked), totals(except(10, 3)), [5_500]);
    assert.equal(lost.sumMatches, false, 'the count fits one message of the window, the sum shows it was another');
    const more = reconcileAppTotals(report(10, [], acked), totals(except(10, 3, 9, 10)), [5_500]);
    assert.equal(more.lost, 1);
  });

  it('a message the client dropped is not expected, and counted all the same it is allowed', () => {
    const dropped = reconcileAppTotals(report(10, [4]), totals(except(10, 4)), []);
    assert.deepEqual([dropped.lost, dropped.doubled, dropped.stored, dropped.dropped, dropped.sumMatches], [0, 0, 9, 1, true]);
    const arrived = reconcileAppTotals(report(10, [4]), totals(except(10)), []);
    assert.deepEqual([arrived.lost, arrived.doubled, arrived.droppedStored, arrived.stored, arrived.sumMatches], [0, 0, 1, 10, true]);
  });

  it('nothing counted at all: every acknowledged message lost', () => {
    const result = reconcileAppTotals(report(5), { count: 0, sum: 0 }, []);
    assert.equal(result.lost, 5);
  });
});
