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
  /** Acknowledged by Redis shortly before a redis-server SIGKILL, and missing. */
  readonly redisLost: number;
  /** Missing with no counted cause: the suite fails on any. */
  readonly lost: number;
  /**
   * SUM(value) as InfluxDB computes it equals 1 + 2 + ... + sent less the explained
   * missing ones: a loss or a double shows here as well as in the counts.
   */
  readonly sumMatches: boolean;
  /** Sequence numbers of the first few unexplained losses (for the report). */
  readonly lostExamples: readonly number[];
}

/** When Redis acknowledged message `seq` (from the app's timeline), or undefined if never. */
function ackedAt(report: AppReport, seq: number): number | undefined {
  for (const [at, delivered] of report.timeline) if (delivered >= seq) return at;
  return undefined;
}

/**
 * Compares one app's report with its stored values. A missing message is explained
 * only by a counted buffer overflow, or by a redis-server SIGKILL within the `everysec`
 * window after Redis acknowledged it (judged for apps that dropped nothing, whose
 * messages are acknowledged in order); anything else is lost.
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
  const missing: number[] = [];
  for (let seq = 1; seq <= report.sent; seq += 1) if (!seen.has(seq)) missing.push(seq);

  const dropped = report.stats.dropped;
  let redisLost = 0;
  let lost: number[] = [];
  if (dropped > 0) {
    // Which messages overflowed is not observable from outside the client; a message
    // counted as dropped after a failed write may have reached Redis anyway.
    lost = missing.slice(0, Math.max(0, missing.length - dropped));
  } else {
    for (const seq of missing) {
      const at = ackedAt(report, seq);
      const inWindow =
        at !== undefined && redisKillTimes.some((kill) => at <= kill + 50 && at >= kill - EVERYSEC_LOSS_WINDOW_MS);
      if (inWindow) redisLost += 1;
      else lost.push(seq);
    }
  }
  return {
    app: report.name,
    sent: report.sent,
    stored: seen.size,
    doubled,
    foreign,
    dropped,
    redisLost,
    lost: lost.length,
    sumMatches: influxSum === (report.sent * (report.sent + 1)) / 2 - (sum(missing) - sum(lost)),
    lostExamples: lost.slice(0, 5),
  };
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
