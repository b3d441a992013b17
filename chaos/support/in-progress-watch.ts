
/** How often the watch reads the in-progress records. */
const POLL_MS = 100;

/**
 * Watches a channel's in-progress records (list: the `entered` HASH, sha1 of a message ->
 * ms it entered in-progress; streams: each pending entry's idle time; by a clock on this
 * machine) and collects the
 * messages the nanny was entitled to publish again: those still in progress when they had
 * been there longer than the nanny threshold. The nanny re-publishes exactly those, by
 * design, whether a fault held them (an InfluxDB outage, a dead agent) or only a slow,
 * loaded machine did; so each one explains at most one re-publish.
 *
 * Judged between polls, conservatively: a message present at one poll counts when, at
 * the next poll, the threshold had passed since it entered (it may have been published
 * by the nanny and completed in between). A gap in polling (Redis down, a busy machine)
 * therefore counts more, never fewer.
 */
export class InProgressWatch {
  /** Digests of messages that were in progress past the threshold. */
  readonly overdue = new Set<string>();
  private last = new Map<string, number>();
  private stopped = false;
  private readonly loop: Promise<void>;

  /**
   * @param enteredTimes when each message in progress entered it (`ChaosChannel.enteredTimes`).
   */
  constructor(
    private readonly enteredTimes: () => Promise<Map<string, number>>,
    private readonly thresholdMs: number,
  ) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      await this.poll();
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private async poll(): Promise<void> {
    let current: Map<string, number>;
    try {
      current = await this.enteredTimes();
    } catch {
      return; // Redis restarting: the next poll judges the longer gap.
    }
    const now = Date.now();
    for (const [digest, entered] of this.last) {
      if (now - entered > this.thresholdMs) this.overdue.add(digest);
    }
    this.last = current;
  }

  /** Stops polling after one last look. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.poll();
  }
}
