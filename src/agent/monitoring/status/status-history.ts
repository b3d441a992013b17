import type { Channel, ChannelStatus, ConsumerStatus } from '../../../channels/channel.js';
import type { AgentStats } from '../agent-stats.js';
import { statusWithin } from '../channel-status-within.js';
import { Ring } from './ring.js';
import { readStats, statusSample, type StatsReading, type StatusSample } from './status-sample.js';

/** Seconds between two samples of the history. */
export const HISTORY_INTERVAL_SECONDS = 2;
/** Samples kept: one hour at `HISTORY_INTERVAL_SECONDS`. */
export const HISTORY_CAPACITY = 1800;

/** The history as the page plots it: one array per series, aligned with `time`. */
export interface HistoryColumns {
  readonly intervalSeconds: number;
  readonly capacity: number;
  /** Seconds since the epoch (uPlot's x axis). */
  readonly time: number[];
  readonly queued: (number | null)[];
  readonly inProgress: (number | null)[];
  readonly oldestInProgressSeconds: (number | null)[];
  readonly deadLetters: (number | null)[];
  readonly receivedPerSecond: number[];
  readonly publishedPerSecond: number[];
  readonly publishP50Seconds: (number | null)[];
  readonly publishP99Seconds: (number | null)[];
  /** Errors per second by class; a class appears once it has had an error within the history. */
  readonly errorsPerSecond: Record<string, number[]>;
}

/** What a `StatusHistory` samples, and how often. */
export interface StatusHistoryOptions {
  readonly stats: AgentStats;
  readonly channel: Channel;
  /** Default `HISTORY_INTERVAL_SECONDS * 1000`. */
  readonly intervalMs?: number;
  /** Default `HISTORY_CAPACITY`. */
  readonly capacity?: number;
  /** Wall-clock milliseconds (tests pass their own). */
  readonly wallClock?: () => number;
}

/**
 * The status page's last hour, kept in memory and bounded: every interval a timer copies
 * the agent's counters (`readStats`, a few numbers) and reads the channel's counts, and
 * the difference from the previous reading becomes one `StatusSample` in a fixed ring.
 * Nothing here runs on the publish path.
 */
export class StatusHistory {
  private readonly ring: Ring<StatusSample>;
  private readonly intervalMs: number;
  private readonly wallClock: () => number;
  private previous: StatsReading | undefined;
  private consumersSeen: readonly ConsumerStatus[] | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> | undefined;

  constructor(private readonly options: StatusHistoryOptions) {
    this.ring = new Ring(options.capacity ?? HISTORY_CAPACITY);
    this.intervalMs = options.intervalMs ?? HISTORY_INTERVAL_SECONDS * 1000;
    this.wallClock = options.wallClock ?? Date.now;
  }

  /** Takes the first reading and starts the timer. */
  start(): void {
    if (this.timer !== undefined) return;
    this.previous = readStats(this.options.stats, this.wallClock());
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
    this.timer.unref();
  }

  /**
   * Stops the timer. A sample in flight is not waited for (closing must not wait on a
   * channel that does not answer): it ends on its own within the status timeout.
   */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Takes one sample now (the timer calls it; tests may too). A sample still waiting for
   * the channel makes this call a no-op, so a slow channel cannot pile reads up.
   */
  sample(): Promise<void> {
    this.sampling ??= this.takeSample().finally(() => {
      this.sampling = undefined;
    });
    return this.sampling;
  }

  /** The newest sample, if one was taken. */
  latest(): StatusSample | undefined {
    return this.ring.newest();
  }

  /**
   * The agents reading the channel as named consumers (Redis Streams) at the latest
   * sample, or undefined where the channel does not record them.
   */
  consumers(): readonly ConsumerStatus[] | undefined {
    return this.consumersSeen;
  }

  /** Every sample held, as columns. */
  columns(): HistoryColumns {
    const samples = this.ring.toArray();
    const classes = new Set(samples.flatMap((s) => Object.keys(s.errorsPerSecond)));
    const column = <K extends keyof StatusSample>(key: K): StatusSample[K][] => samples.map((s) => s[key]);
    return {
      intervalSeconds: this.intervalMs / 1000,
      capacity: this.ring.capacity,
      time: samples.map((s) => s.atMs / 1000),
      queued: column('queued'),
      inProgress: column('inProgress'),
      oldestInProgressSeconds: column('oldestInProgressSeconds'),
      deadLetters: column('deadLetters'),
      receivedPerSecond: column('receivedPerSecond'),
      publishedPerSecond: column('publishedPerSecond'),
      publishP50Seconds: column('publishP50Seconds'),
      publishP99Seconds: column('publishP99Seconds'),
      errorsPerSecond: Object.fromEntries([...classes].sort().map((name) => [name, samples.map((s) => s.errorsPerSecond[name] ?? 0)])),
    };
  }

  private async takeSample(): Promise<void> {
    const status: ChannelStatus | undefined = await statusWithin(this.options.channel);
    if (status !== undefined) this.consumersSeen = status.consumers;
    const current = readStats(this.options.stats, this.wallClock());
    const previous = this.previous ?? current;
    this.previous = current;
    if (current.atMs > previous.atMs) this.ring.push(statusSample(previous, current, status));
  }
}
