import type { InProgressMessage } from '../channels/channel.js';
import type { TransientPublishError } from '../errors/publish-error.js';
import { describeError } from './channel-failures.js';
import { NannyLoop, type NannyLoopOptions, type RepublishCounts } from './nanny-loop.js';

/** What a `BatchedNanny` works with, and how it is tuned. */
export interface BatchedNannyOptions extends NannyLoopOptions {
  /** Most items republished per run (`BATCHED_AGENT_NANNY_MAX_BATCH_SIZE`). */
  readonly maxBatchSize: number;
}

/**
 * The batched agent's nanny: like `Nanny`, but every `frequencySeconds` it republishes the
 * items in progress longer than `thresholdSeconds` (up to `maxBatchSize`, oldest first) as
 * one batch. If the publisher fails on the batch in a way it does not classify, the items
 * are tried one by one, so one bad item cannot keep the whole batch stuck (as one
 * malformed message did in the original). The loop is `NannyLoop`'s.
 */
export class BatchedNanny extends NannyLoop {
  constructor(options: BatchedNannyOptions) {
    super(options, options.maxBatchSize, { maxBatchSize: options.maxBatchSize });
  }

  protected override async republish(
    stuck: readonly InProgressMessage[],
    counts: RepublishCounts,
    signal: AbortSignal | undefined,
  ): Promise<TransientPublishError | undefined> {
    const attempt = await this.republishBatch(stuck, counts);
    if (attempt.status === 'transient') return attempt.error;
    if (attempt.status === 'published') return undefined;
    this.logger.error(
      { err: describeError(attempt.error), batchSize: stuck.length },
      'publisher failed unexpectedly on the batch; trying its messages one by one',
    );
    for (const item of stuck) {
      if (signal?.aborted) break;
      const transient = await this.republishOne(item, counts);
      if (transient) return transient;
    }
    return undefined;
  }
}
