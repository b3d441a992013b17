import type { AppReport } from '../app/app-config.js';
import type { AppTotals } from '../support/chaos-store.js';
import { mayBeRedisLost } from './reconcile-apps.js';

/** One app's messages compared with the count and sum a store that keeps only totals reports. */
export interface AppTotalsReconciliation {
  readonly app: string;
  readonly sent: number;
  /** Messages Redis acknowledged: each must be counted once. */
  readonly acknowledged: number;
  /** What the store counted: messages, and the sum of their sequence numbers. */
  readonly counted: AppTotals;
  /** What it should have counted: the acknowledged messages, and the sum of their sequence numbers. */
  readonly expected: AppTotals;
  /** Messages counted, less the copies the faults explain (the count of distinct messages, as far as totals tell). */
  readonly stored: number;
  /** Counted fewer times than the faults explain (must be 0). */
  readonly lost: number;
  /** Counted more times than the faults explain (must be 0). */
  readonly doubled: number;
  /** Dropped by the client's full buffer, as it counted them. */
  readonly dropped: number;
  /** Sequence numbers Redis never acknowledged (= dropped + still buffered). */
  readonly unacknowledged: number;
  /** Of those, counted all the same (their write reached Redis, its acknowledgement lost). */
  readonly droppedStored: number;
  /** Missing, and acknowledged within the `everysec` window before a redis-server SIGKILL. */
  readonly redisLost: number;
  /** Counted more than once: the copies client writes in doubt put on the queue before they were sent again. */
  readonly copies: number;
  /**
   * The count and the sum are both what some choice of the explained causes gives (for
   * one explanation: the same messages missing, or counted again, in both). False when
   * `lost` or `doubled` is not 0, or when the count fits but the sum does not: a message
   * counted twice while another was never counted.
   */
  readonly sumMatches: boolean;
}

/** The sums of the `k` smallest and of the `k` largest of `sorted` (ascending). */
function sumRange(sorted: readonly number[], k: number): readonly [number, number] {
  let low = 0;
  let high = 0;
  for (let i = 0; i < k; i += 1) {
    low += sorted[i] ?? 0;
    high += sorted[sorted.length - 1 - i] ?? 0;
  }
  return [low, high];
}

const ascending = (a: number, b: number): number => a - b;
const sumOf = (values: Iterable<number>): number => {
  let sum = 0;
  for (const value of values) sum += value;
  return sum;
};

/**
 * Compares one app's report with the totals a store counted for it. Each message Redis
 * acknowledged must be counted once. The faults of a row may explain exactly two
 * differences, each only by messages it names: some messages acknowledged within the
 * `everysec` window before a redis-server SIGKILL may be missing (the Redis-side limit),
 * and some may be counted once more: those of client writes that failed once they had
 * gone out (the client sent them again, and the first copy may have reached Redis) and
 * those the client never saw acknowledged (dropped, yet their write had reached Redis).
 * The totals pass when one choice of `l` such missing and `x` such extra messages gives
 * both the count (acknowledged - l + x) and the sum (within what the smallest and largest
 * such messages can make). Anything else is a loss or a double, named by the count; a
 * count that fits with a sum that does not (one message counted twice, another never) fails
 * `sumMatches`.
 */
export function reconcileAppTotals(report: AppReport, counted: AppTotals, redisKillTimes: readonly number[]): AppTotalsReconciliation {
  const unacknowledged = new Set(report.unacknowledged);
  const acknowledged: number[] = [];
  for (let seq = 1; seq <= report.sent; seq += 1) if (!unacknowledged.has(seq)) acknowledged.push(seq);
  const expected = { count: acknowledged.length, sum: sumOf(acknowledged) };
  const missable = acknowledged.filter((seq) => mayBeRedisLost(report, seq, redisKillTimes));
  // A copy per failed write that carried it; a message never acknowledged and in no failed write, at most once.
  const inDoubt = new Set(report.inDoubt);
  const extra = [...report.inDoubt, ...[...unacknowledged].filter((seq) => !inDoubt.has(seq))].sort(ascending);

  let explained: { readonly l: number; readonly x: number } | undefined;
  for (let l = 0; l <= missable.length && explained === undefined; l += 1) {
    const x = counted.count - expected.count + l;
    if (x < 0 || x > extra.length) continue;
    const [missingLow, missingHigh] = sumRange(missable, l);
    const [extraLow, extraHigh] = sumRange(extra, x);
    const difference = counted.sum - expected.sum;
    if (difference >= extraLow - missingHigh && difference <= extraHigh - missingLow) explained = { l, x };
  }
  const base = { app: report.name, sent: report.sent, acknowledged: expected.count, counted, expected, dropped: report.stats.dropped, unacknowledged: unacknowledged.size };
  if (explained !== undefined) {
    const droppedStored = Math.min(explained.x, unacknowledged.size);
    const copies = explained.x - droppedStored;
    return { ...base, stored: counted.count - copies, lost: 0, doubled: 0, droppedStored, redisLost: explained.l, copies, sumMatches: true };
  }
  const lost = Math.max(0, expected.count - missable.length - counted.count);
  const doubled = Math.max(0, counted.count - expected.count - extra.length);
  return { ...base, stored: counted.count - doubled, lost, doubled, droppedStored: 0, redisLost: 0, copies: 0, sumMatches: false };
}
