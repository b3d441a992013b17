import type { KadabraLogger } from './logger.js';

/** Options of a {@link RateLimitedWarning}. */
export interface RateLimitedWarningOptions {
  readonly logger: KadabraLogger;
  /** At most one line per this many ms. */
  readonly intervalMs: number;
  /** The log line's message. */
  readonly message: string;
  /** Name of the field carrying how many occurrences the line reports. */
  readonly countField: string;
}

/**
 * A warning about something that may happen many times a second (a dropped message, a
 * shared timestamp): every occurrence is counted, and at most one line per interval
 * reports how many happened since the last one, so a flood costs one line, and a trailing
 * line reports the last ones even when nothing follows.
 */
export class RateLimitedWarning {
  private pending = 0;
  private total = 0;
  private detail: Record<string, unknown> = {};
  private lastReportAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: RateLimitedWarningOptions) {}

  /** Counts `count` occurrences; `detail` (the latest wins) goes into the next line. */
  add(count: number, detail: Record<string, unknown> = {}): void {
    this.pending += count;
    this.total += count;
    this.detail = detail;
    const sinceLast = Date.now() - this.lastReportAt;
    if (sinceLast >= this.options.intervalMs) {
      this.report();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.report();
      }, this.options.intervalMs - sinceLast);
      // A pending warning alone must not keep the application's process alive.
      this.timer.unref();
    }
  }

  /** Logs what is pending now and cancels the trailing line (at shutdown). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.report();
  }

  private report(): void {
    if (this.pending === 0) return;
    this.options.logger.warn(
      { [this.options.countField]: this.pending, [`${this.options.countField}Total`]: this.total, ...this.detail },
      this.options.message,
    );
    this.pending = 0;
    this.lastReportAt = Date.now();
  }
}
