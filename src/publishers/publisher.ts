import type { Metrics } from '../metrics/metrics.js';

/** A message a publisher can never write, with the reason (e.g. InfluxDB's error). */
export interface RejectedMessage {
  /** Index into the batch passed to `publish`. */
  readonly index: number;
  /** Why it can never be written; stored with the dead letter. */
  readonly reason: string;
}

/** What became of a batch that was published. */
export interface PublishOutcome {
  /** Messages that can never be written; every other message of the batch was written. */
  readonly rejected: readonly RejectedMessage[];
}

/**
 * Writes metrics somewhere. `publish` must be idempotent: publishing the same messages
 * again writes the same points. It resolves once every message of the batch is either
 * written or listed in `rejected`, and throws `TransientPublishError` when the batch
 * could not be written for a reason that may pass (the agent retries it).
 */
export interface Publisher {
  publish(batch: readonly Metrics[]): Promise<PublishOutcome>;
  /** Releases connections; idempotent. */
  close(): Promise<void>;
}
