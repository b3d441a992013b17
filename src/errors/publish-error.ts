import { KadabraError } from './kadabra-error.js';

/**
 * Raised by a publisher when a whole batch could not be written for a reason that may
 * pass (database down, timeout, 5xx, 429, auth not yet fixed). The agent keeps the
 * messages in progress and retries with backoff. Messages that can never be written
 * are not thrown: they are reported in `PublishOutcome.rejected`.
 */
export class TransientPublishError extends KadabraError {
  /** Milliseconds the server asked us to wait (Retry-After), when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super('KADABRA_PUBLISH_TRANSIENT', message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
}
