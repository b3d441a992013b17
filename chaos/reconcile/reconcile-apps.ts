import type { AppReport } from '../app/app-config.js';

/** How long before a redis-server SIGKILL an acknowledged write may be lost with `appendfsync everysec` (Redis documents 1 s; 2 s when an fsync is slow). */
export const EVERYSEC_LOSS_WINDOW_MS = 2_000;

/** One app's messages compared with what InfluxDB holds. */
export interface AppReconciliation {
  readonly app: string;
  readonly sent: number;
  /** Distinct sequence numbers stored. */
  readonly stored: number;
  /** Points beyond one per sequence number (a double). */
  readonly doubled: number;
  /** Values stored that the app never sent (outside 1..sent). */
  readonly foreign: number;
  /** Dropped by the client's full buffer, as it counted them. */
  readonly dropped: number;
  /** Sequence numbers Redis never acknowledged, as the app's channel saw its writes (= dropped + still buffered). */
  readonly unacknowledged: number;
  /** Of those, missing from InfluxDB: explained by the drop. */
  readonly droppedMissing: number;
  /** Of those, stored anyway (a write that reached Redis though its acknowledgement was lost). */
  readonly droppedStored: number;
  /** Acknowledged by Redis shortly before a redis-server SIGKILL, and missing. */
  readonly redisLost: number;
  /** Missing with no counted cause: the suite fails on any. */
  readonly lost: number;
  /**
   * SUM(value) as InfluxDB computes it equals 1 + 2 + ... + sent less the explained
   * missing ones (by their sequence numbers): a loss or a double shows here as well as in the counts.
   */
  readonly sumMatches: boolean;
  /** Sequence numbers of the first few unexplained losses (for the report). */
  readonly lostExamples: readonly number[];
}

/** When Redis acknowledged message `seq` (the write that carried it), or undefined if never. */
function ackedAt(report: AppReport, seq: number): number | undefined {
  for (const [at, first, last] of report.ackedWrites) if (first <= seq && seq <= last) return at;
  return undefined;
}

/**
 * Whether message `seq` was acknowledged by Redis within the `everysec` window before a
 * redis-server SIGKILL (at `redisKillTimes`), so that the kill may have lost it: the
 * Redis-side limit, not a loss of Kadabra's.
 */
export function mayBeRedisLost(report: AppReport, seq: number, redisKillTimes: readonly number[]): boolean {
  const at = ackedAt(report, seq);
  return at !== undefined && redisKillTimes.some((kill) => at <= kill + 50 && at >= kill - EVERYSEC_LOSS_WINDOW_MS);
}

/**
 * Compares one app's report with its stored values, by sequence number. Every sequence
 * number must be stored exactly once, or be one the app's channel never saw acknowledged
 * (the client dropped it at overflow: counted), or have been acknowledged by Redis within
 * the `everysec` window before a redis-server SIGKILL; anything else is lost. A dropped
 * one that was stored anyway (its write reached Redis but the acknowledgement was lost,
 * and the client later dropped its retry) is allowed and counted apart, never as lost or
 * doubled.
 */
export function reconcileApp(
  report: AppReport,
  values: readonly number[],
  influxSum: number,
  redisKillTimes: readonly number[],
): AppReconciliation {
  const seen = new Set<number>();
  let doubled = 0;
  let foreign = 0;
  for (const value of values) {
    if (!Number.isInteger(value) || value < 1 || value > report.sent) {
      foreign += 1;
    } else if (seen.has(value)) {
      doubled += 1;
    } else {
      seen.add(value);
    }
  }
  const unacknowledged = new Set(report.unacknowledged);
  let droppedMissing = 0;
  let redisLost = 0;
  let explainedSum = 0;
  const lost: number[] = [];
  for (let seq = 1; seq <= report.sent; seq += 1) {
    if (seen.has(seq)) continue;
    if (unacknowledged.has(seq)) {
      droppedMissing += 1;
      explainedSum += seq;
      continue;
    }
    if (mayBeRedisLost(report, seq, redisKillTimes)) {
      redisLost += 1;
      explainedSum += seq;
    } else {
      lost.push(seq);
    }
  }
  let droppedStored = 0;
  for (const seq of unacknowledged) if (seen.has(seq)) droppedStored += 1;
  return {
    app: report.name,
    sent: report.sent,
    stored: seen.size,
    doubled,
    foreign,
    dropped: report.stats.dropped,
    droppedMissing,
    droppedStored,
    unacknowledged: unacknowledged.size,
    redisLost,
    lost: lost.length,
    sumMatches: influxSum === (report.sent * (report.sent + 1)) / 2 - explainedSum,
    lostExamples: lost.slice(0, 5),
  };
}
