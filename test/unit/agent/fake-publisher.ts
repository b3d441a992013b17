import { TransientPublishError } from '../../../src/errors/publish-error.js';
import type { Metrics } from '../../../src/metrics/metrics.js';
import type { Publisher, PublishOutcome, RejectedMessage } from '../../../src/publishers/publisher.js';

/** How a `FakePublisher` answers one batch. */
export type FakeBehaviour = (batch: readonly Metrics[]) => PublishOutcome | Promise<PublishOutcome>;

/** Succeeds for every message. */
export const succeed: FakeBehaviour = () => ({ rejected: [] });

/** Throws a `TransientPublishError` (database down). */
export function failTransiently(retryAfterMs?: number): FakeBehaviour {
  return () => {
    throw new TransientPublishError('database unreachable', retryAfterMs === undefined ? {} : { retryAfterMs });
  };
}

/** Rejects for good the messages `isBad` picks, with `reason`; writes the rest. */
export function rejectWhere(isBad: (metrics: Metrics) => boolean, reason = 'cannot be stored'): FakeBehaviour {
  return (batch) => {
    const rejected: RejectedMessage[] = [];
    batch.forEach((metrics, index) => {
      if (isBad(metrics)) rejected.push({ index, reason });
    });
    return { rejected };
  };
}

/** Holds (refused without evidence) the messages `isHeld` picks, with `reason`; writes the rest. */
export function holdWhere(isHeld: (metrics: Metrics) => boolean, reason = 'refused'): FakeBehaviour {
  return (batch) => {
    const held: RejectedMessage[] = [];
    batch.forEach((metrics, index) => {
      if (isHeld(metrics)) held.push({ index, reason });
    });
    return { rejected: [], held };
  };
}

/**
 * A publisher for agent tests: records what it published (only batches that succeeded),
 * counts calls and concurrency, answers with a swappable behaviour, optionally slowly.
 */
export class FakePublisher implements Publisher {
  /** Every successfully published batch, in order. */
  readonly batches: Metrics[][] = [];
  /** Calls to `publish`, successful or not. */
  calls = 0;
  /** Publishes running now, and the most seen at once. */
  inFlight = 0;
  maxInFlight = 0;
  closed = false;
  /** Milliseconds each publish takes. */
  delayMs = 0;

  constructor(public behaviour: FakeBehaviour = succeed) {}

  /** Every message of every successful batch. */
  get published(): Metrics[] {
    return this.batches.flat();
  }

  async publish(batch: readonly Metrics[]): Promise<PublishOutcome> {
    this.calls += 1;
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      const outcome = await this.behaviour(batch);
      const notWritten = new Set([...outcome.rejected, ...(outcome.held ?? [])].map((r) => r.index));
      this.batches.push(batch.filter((_, index) => !notWritten.has(index)));
      return outcome;
    } finally {
      this.inFlight -= 1;
    }
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
