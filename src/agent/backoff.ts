/** Settings of an exponential backoff. */
export interface BackoffOptions {
  /** First delay, in milliseconds. Default 100. */
  readonly initialMs?: number;
  /** Longest delay, in milliseconds. Default 30000. */
  readonly maxMs?: number;
}

/** Defaults of `BackoffOptions`. */
export const DEFAULT_BACKOFF: Required<BackoffOptions> = Object.freeze({
  initialMs: 100,
  maxMs: 30_000,
});

/**
 * Exponential backoff with jitter: each `next()` doubles the ceiling up to `maxMs` and
 * picks a delay between half and all of it, so workers failing together spread out.
 */
export class Backoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private failures = 0;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? DEFAULT_BACKOFF.initialMs;
    this.maxMs = Math.max(options.maxMs ?? DEFAULT_BACKOFF.maxMs, this.initialMs);
  }

  /**
   * The next delay in milliseconds. A server's `retryAfterMs` (Retry-After) is honoured
   * as a minimum, but never beyond `maxMs`, so a bogus header cannot park the agent.
   */
  next(retryAfterMs?: number): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.failures, 30));
    this.failures += 1;
    const jittered = ceiling / 2 + Math.random() * (ceiling / 2);
    if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs > 0) {
      return Math.min(this.maxMs, Math.max(jittered, retryAfterMs));
    }
    return jittered;
  }

  /** Starts over from `initialMs` (after a success). */
  reset(): void {
    this.failures = 0;
  }
}
