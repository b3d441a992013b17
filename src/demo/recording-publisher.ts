import type { Metrics } from '../metrics/metrics.js';
import type { MessageIdentity, Publisher, PublishOutcome } from '../publishers/publisher.js';

/**
 * A publisher that delegates to another and remembers every message the other one
 * wrote (not those it rejected), so the demo can show what was published wherever it
 * went. It does not close the publisher it wraps.
 */
export class RecordingPublisher implements Publisher {
  /** Messages published so far, in the order they were written. */
  readonly published: Metrics[] = [];

  constructor(private readonly inner: Publisher) {}

  /** Publishes through the wrapped publisher and records what it wrote. */
  async publish(batch: readonly Metrics[], identities?: readonly MessageIdentity[]): Promise<PublishOutcome> {
    const outcome = await this.inner.publish(batch, identities);
    const rejected = new Set(outcome.rejected.map((r) => r.index));
    batch.forEach((metrics, index) => {
      if (!rejected.has(index)) this.published.push(metrics);
    });
    return outcome;
  }

  /** Nothing of its own to release. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
