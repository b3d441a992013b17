/** Settings of an exponential backoff that a user may tune. */
export interface BackoffOptions {
  /** First delay, in milliseconds. Default 100. */
  readonly initialMs?: number;
  /** Longest delay, in milliseconds. Default 30000. */
  readonly maxMs?: number;
}

/** Every setting of an exponential backoff. */
export interface BackoffPolicy extends BackoffOptions {
  /** Each delay is the previous one times this. Default 2. */
  readonly factor?: number;
  /**
   * Whether to pick each delay between half and all of its ceiling, so workers failing
   * together spread out. Default true.
   */
  readonly jitter?: boolean;
}

/** Defaults of `BackoffPolicy`. */
export const DEFAULT_BACKOFF: Required<BackoffPolicy> = Object.freeze({
  initialMs: 100,
  maxMs: 30_000,
  factor: 2,
  jitter: true,
});

/** The growing delays of a backoff, without jitter. */
export interface BackoffSteps {
  /** First delay, in milliseconds. */
  readonly initialMs: number;
  /** Longest delay, in milliseconds. */
  readonly maxMs: number;
  /** Each delay is the previous one times this. Default 2. */
  readonly factor?: number;
}

/**
 * The delay before retry number `attempt` (0 for the first), without jitter:
 * `initialMs * factor ** attempt`, at most `maxMs`. Allocates nothing, for callers that
 * count attempts themselves (a reconnect strategy, a poll loop).
 */
export function backoffDelayMs(attempt: number, steps: BackoffSteps): number {
  // The exponent is bounded so that a long outage cannot turn 0 * Infinity into NaN.
  return Math.min(steps.maxMs, steps.initialMs * (steps.factor ?? 2) ** Math.min(attempt, 30));
}

/**
 * Exponential backoff: each `next()` multiplies the ceiling by `factor` up to `maxMs`
 * and, with `jitter`, picks a delay between half and all of it.
 */
export class Backoff {
  private readonly steps: Required<BackoffSteps>;
  private readonly jitter: boolean;
  private failures = 0;

  constructor(options: BackoffPolicy = {}) {
    const initialMs = options.initialMs ?? DEFAULT_BACKOFF.initialMs;
    this.steps = {
      initialMs,
      maxMs: Math.max(options.maxMs ?? DEFAULT_BACKOFF.maxMs, initialMs),
      factor: options.factor ?? DEFAULT_BACKOFF.factor,
    };
    this.jitter = options.jitter ?? DEFAULT_BACKOFF.jitter;
  }

  /**
   * The next delay in milliseconds. A server's `retryAfterMs` (Retry-After) is honoured
   * as a minimum, but never beyond `maxMs`, so a bogus header cannot park the agent.
   */
  next(retryAfterMs?: number): number {
    const ceiling = backoffDelayMs(this.failures, this.steps);
    this.failures += 1;
    const delay = this.jitter ? ceiling / 2 + Math.random() * (ceiling / 2) : ceiling;
    if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs > 0) {
      return Math.min(this.steps.maxMs, Math.max(delay, retryAfterMs));
    }
    return delay;
  }

  /** Starts over from `initialMs` (after a success). */
  reset(): void {
    this.failures = 0;
  }
}
