import type { KadabraLogger } from './logger.js';

/**
 * Lets a repeated log line through at most once per interval per key, counting what it
 * held back, so an outage that fails every write logs a line a minute, not thousands.
 */
export class LogLimiter {
  private readonly intervalMs: number;
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(intervalMs: number) {
    this.intervalMs = intervalMs;
  }

  /**
   * Whether to log the line `key` now; if so, how many were held back since the last one.
   * @returns the number held back, or undefined when this one should be held back too.
   */
  admit(key: string, now: number = Date.now()): number | undefined {
    const entry = this.last.get(key);
    if (entry !== undefined && now - entry.at < this.intervalMs) {
      entry.suppressed += 1;
      return undefined;
    }
    this.last.set(key, { at: now, suppressed: 0 });
    return entry?.suppressed ?? 0;
  }

  /**
   * Logs `message` at `level` if `admit(key)` lets it through, with how many lines were
   * held back since the last one (`heldBack`) when there were any.
   */
  log(logger: KadabraLogger, level: 'warn' | 'error', key: string, fields: Record<string, unknown>, message: string): void {
    const heldBack = this.admit(key);
    if (heldBack !== undefined) logger[level]({ ...fields, ...(heldBack > 0 ? { heldBack } : {}) }, message);
  }

  /** Forgets every key (after a success, the next failure is news again). */
  reset(): void {
    this.last.clear();
  }
}
