import type { ChannelStatus } from '../../../channels/channel.js';
import { PUBLISH_DURATION_BUCKETS, type AgentStats, type PublishAttemptOutcome } from '../agent-stats.js';
import { histogramQuantile } from './histogram-quantile.js';

/** The agent's counters at one moment: what two samples are differenced from. */
export interface StatsReading {
  /** Wall-clock milliseconds since the epoch (the page's time axis). */
  readonly atMs: number;
  readonly received: number;
  readonly published: number;
  readonly attempts: Readonly<Record<PublishAttemptOutcome, number>>;
  readonly deadLettered: ReadonlyMap<string, number>;
  readonly durationCounts: readonly number[];
}

/** Copies the counters of `stats` (a few numbers; the publish path is not touched). */
export function readStats(stats: AgentStats, atMs: number): StatsReading {
  return {
    atMs,
    received: stats.received,
    published: stats.published,
    attempts: { ...stats.attempts },
    deadLettered: new Map(stats.deadLettered),
    durationCounts: [...stats.durationCounts],
  };
}

/** One point of the status page's history: the figures of the interval ending at `atMs`. */
export interface StatusSample {
  readonly atMs: number;
  /** From the channel, read at the sample; null when it did not answer in time. */
  readonly queued: number | null;
  readonly inProgress: number | null;
  readonly oldestInProgressSeconds: number | null;
  readonly deadLetters: number | null;
  /** Messages taken from the channel (in) and published (out), per second over the interval. */
  readonly receivedPerSecond: number;
  readonly publishedPerSecond: number;
  /** Publish latency quantiles of the attempts of the interval; null when there was none. */
  readonly publishP50Seconds: number | null;
  readonly publishP99Seconds: number | null;
  /**
   * Errors per second over the interval, by class: `transient` and `failed` publish
   * attempts, and `dead-lettered: <reason class>`. Classes with none are left out.
   */
  readonly errorsPerSecond: Readonly<Record<string, number>>;
}

/** `(current - previous)` per second over `seconds`; 0 over an empty interval. */
export function ratePerSecond(previous: number, current: number, seconds: number): number {
  return seconds > 0 ? Math.max(0, current - previous) / seconds : 0;
}

/** The sample of the interval from `previous` to `current`, with the channel's `status` read at its end. */
export function statusSample(previous: StatsReading, current: StatsReading, status: ChannelStatus | undefined): StatusSample {
  const seconds = (current.atMs - previous.atMs) / 1000;
  const rate = (before: number, after: number): number => ratePerSecond(before, after, seconds);
  const durations = current.durationCounts.map((count, i) => count - (previous.durationCounts[i] ?? 0));
  const quantile = (q: number): number | null => histogramQuantile(PUBLISH_DURATION_BUCKETS, durations, q) ?? null;
  const errorsPerSecond: Record<string, number> = {};
  const addError = (name: string, perSecond: number): void => {
    if (perSecond > 0) errorsPerSecond[name] = perSecond;
  };
  addError('transient', rate(previous.attempts.transient, current.attempts.transient));
  addError('failed', rate(previous.attempts.failed, current.attempts.failed));
  for (const [reasonClass, count] of current.deadLettered) {
    addError(`dead-lettered: ${reasonClass}`, rate(previous.deadLettered.get(reasonClass) ?? 0, count));
  }
  return {
    atMs: current.atMs,
    queued: status?.queued ?? null,
    inProgress: status?.inProgress ?? null,
    oldestInProgressSeconds: status === undefined ? null : Math.max(0, status.oldestInProgressMs ?? 0) / 1000,
    deadLetters: status?.deadLetters ?? null,
    receivedPerSecond: rate(previous.received, current.received),
    publishedPerSecond: rate(previous.published, current.published),
    publishP50Seconds: quantile(0.5),
    publishP99Seconds: quantile(0.99),
    errorsPerSecond,
  };
}
