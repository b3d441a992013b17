import { LogLimiter } from '../logging/log-limiter.js';
import type { KadabraLogger } from '../logging/logger.js';
import { abortableSleep } from './abortable-sleep.js';
import { Backoff, type BackoffOptions } from '../retry/backoff.js';
import type { Readiness } from './monitoring/readiness.js';

/** At most one warning per this many milliseconds while the channel keeps failing. */
const WARN_INTERVAL_MS = 10_000;
const WARNING_KEY = 'channel';

/**
 * How an agent loop survives a failing channel (Redis down, restarting, refusing): log,
 * back off, carry on. Warnings are rate-limited so an outage does not flood the log, and
 * the recovery is logged once. With a `Readiness`, every failure and success is told to it.
 */
export class ChannelFailures {
  private readonly backoff: Backoff;
  private failingSince: number | undefined;
  private readonly warnings = new LogLimiter(WARN_INTERVAL_MS);

  constructor(
    private readonly logger: KadabraLogger,
    backoff: BackoffOptions = {},
    private readonly readiness?: Readiness,
  ) {
    this.backoff = new Backoff({ initialMs: 200, maxMs: 5_000, ...backoff });
  }

  /** Logs `error` (rate-limited) and waits the next backoff delay, or less if `signal` aborts. */
  async failed(error: unknown, operation: string, signal?: AbortSignal): Promise<void> {
    await abortableSleep(this.record(error, operation), signal);
  }

  /** Logs `error` (rate-limited) and returns the next backoff delay in milliseconds. */
  record(error: unknown, operation: string): number {
    const now = Date.now();
    this.failingSince ??= now;
    this.readiness?.channelFailed(describeError(error));
    const delayMs = this.backoff.next();
    const suppressed = this.warnings.admit(WARNING_KEY, now);
    if (suppressed !== undefined) {
      this.logger.warn(
        { err: describeError(error), operation, retryInMs: Math.round(delayMs), suppressed },
        'channel operation failed; retrying with backoff',
      );
    }
    return delayMs;
  }

  /** Records a success: resets the backoff and logs the recovery once. */
  succeeded(): void {
    this.readiness?.channelReachable();
    if (this.failingSince === undefined) return;
    this.logger.info({ downForMs: Date.now() - this.failingSince }, 'channel reachable again');
    this.failingSince = undefined;
    this.warnings.reset();
    this.backoff.reset();
  }
}

/**
 * An error as one line for the log: its name and message only (connection errors can
 * carry options with credentials), with any `scheme://user:password@` userinfo masked.
 */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  // Anchored on '://' alone: a scheme pattern like [a-z]+ before it would scan a long run
  // of letters from every start, in quadratic time. User information holds no '/', so no
  // stretch is scanned twice.
  return text.replace(/:\/\/[^@\s/]*@/g, '://[redacted]@');
}
