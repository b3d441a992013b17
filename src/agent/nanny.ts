import type { InProgressMessage } from '../channels/channel.js';
import type { TransientPublishError } from '../errors/publish-error.js';
import { NannyLoop, type NannyLoopOptions, type RepublishCounts } from './nanny-loop.js';

/** What a `Nanny` works with, and how it is tuned. */
export interface NannyOptions extends NannyLoopOptions {
  /** Most items examined per run (`AGENT_NANNY_QUERY_LIMIT`). */
  readonly queryLimit: number;
  /** Concurrent republishing workers (`AGENT_NANNY_THREADS`). */
  readonly workers: number;
}

/**
 * Republishes messages stuck in progress (a publish failed, or an agent died mid-publish).
 * Every `frequencySeconds` it reads up to `queryLimit` in-progress items, oldest first,
 * and republishes the stuck ones each on its own with `workers` workers, so that one
 * that fails cannot stop the others or the nanny (in the original, one malformed message
 * made every nanny run fail). The loop is `NannyLoop`'s.
 */
export class Nanny extends NannyLoop {
  private readonly workers: number;

  constructor(options: NannyOptions) {
    super(options, options.queryLimit, { queryLimit: options.queryLimit, workers: options.workers });
    this.workers = options.workers;
  }

  protected override async republish(
    stuck: readonly InProgressMessage[],
    counts: RepublishCounts,
    signal: AbortSignal | undefined,
  ): Promise<TransientPublishError | undefined> {
    // Written by the workers below; an object so the compiler does not narrow it away.
    const failure: { transient?: TransientPublishError } = {};
    let next = 0;
    const work = async (): Promise<void> => {
      while (!signal?.aborted && failure.transient === undefined) {
        const item = stuck[next++];
        if (!item) return;
        const transient = await this.republishOne(item, counts);
        failure.transient ??= transient;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.workers, stuck.length) }, work));
    return failure.transient;
  }
}
