import { backoffDelayMs, type BackoffSteps } from '../../retry/backoff.js';

/**
 * How long SQLite itself waits for a lock, blocking the event loop: one short sleep (1 ms),
 * enough for the brief waits of WAL readers. Longer waits happen between retries, on
 * timers. At 20 ms, an app sending every 5 ms while another process held the lock for
 * 8 s saw its event-loop delay p99 go from 6 to 23 ms (bench/sqlite-busy-wait.ts).
 */
export const SYNCHRONOUS_BUSY_WAIT_MS = 1;

const RETRY_BACKOFF: BackoffSteps = { initialMs: 5, maxMs: 50 };

/** Whether `error` is SQLite's "the database is locked by another connection". */
export function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** Where and how long `withBusyRetry` waits. */
export interface BusyRetryOptions {
  /** Longest total wait for the lock, in milliseconds. */
  readonly timeoutMs: number;
  /** The database file, for the error message. */
  readonly path: string;
  /** Stops retrying once the channel is closed. */
  readonly isClosed: () => boolean;
}

/**
 * Runs `operation` (a synchronous SQLite call) and retries it while another connection
 * holds the lock, for up to `timeoutMs` in all. SQLite's own busy handler sleeps on the
 * event loop thread, so it only gets a few milliseconds; the rest of the wait happens
 * here, between retries, without blocking the app. An operation must be one transaction,
 * so a retry never repeats half of one.
 *
 * @throws Error naming the file and `busy_timeout` once `timeoutMs` has passed (the busy
 *   error as its cause); any other error at once.
 */
export async function withBusyRetry<T>(operation: () => T, options: BusyRetryOptions): Promise<T> {
  const { timeoutMs, path, isClosed } = options;
  const deadline = Date.now() + timeoutMs;
  let attempt = 0;
  for (;;) {
    try {
      return operation();
    } catch (error) {
      if (!isBusyError(error) || isClosed()) throw error;
      if (Date.now() >= deadline) {
        throw new Error(
          `SQLite channel ${path} stayed locked by another connection for ${timeoutMs / 1000} s ` +
            '(busy_timeout); a process may hold a long transaction on it, or raise busy_timeout',
          { cause: error },
        );
      }
    }
    const delay = backoffDelayMs(attempt, RETRY_BACKOFF);
    attempt += 1;
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, Math.max(0, deadline - Date.now()))));
  }
}
