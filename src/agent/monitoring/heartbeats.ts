/**
 * A loop that has not ticked for this many times the wait it announced is stale…
 */
export const STALE_FACTOR = 3;
/** …plus this much, so that a slow publish or a loaded machine is not taken for a hung loop. */
export const STALE_SLACK_MS = 60_000;

/**
 * The pulse of one agent loop (a receiver worker, the nanny, the publisher probe). The
 * loop calls `beat` each time round, saying how long it may take until the next beat;
 * `/healthz` reports it stale once it is far past that, and stopped once it has ended.
 */
export class Heartbeat {
  private at: number;
  private withinMs: number;
  private ended = false;

  constructor(
    /** The loop's name, as `/healthz` reports it. */
    readonly name: string,
    firstWithinMs: number,
    private readonly clock: () => number,
  ) {
    this.at = clock();
    this.withinMs = firstWithinMs;
  }

  /** The loop is alive; its next beat comes within `nextWithinMs` (a sleep, a backoff, a receive timeout). */
  beat(nextWithinMs: number): void {
    this.at = this.clock();
    this.withinMs = nextWithinMs;
  }

  /** The loop has ended (the agent is stopping, or the loop failed). */
  end(): void {
    this.ended = true;
  }

  /** What is wrong with the loop, in a few words, or undefined while it is alive. */
  problem(): string | undefined {
    if (this.ended) return `${this.name} stopped`;
    const silentMs = this.clock() - this.at;
    if (silentMs > STALE_FACTOR * this.withinMs + STALE_SLACK_MS) {
      return `${this.name} has not ticked for ${Math.round(silentMs / 1000)} s (expected within ${Math.round(this.withinMs / 1000)} s)`;
    }
    return undefined;
  }
}

/** The heartbeats of an agent's loops: what `/healthz` answers from. */
export class Heartbeats {
  private readonly loops: Heartbeat[] = [];

  /** @param clock monotonic milliseconds (tests pass their own). */
  constructor(private readonly clock: () => number = () => performance.now()) {}

  /** A heartbeat for a loop that starts now and beats first within `firstWithinMs`. */
  register(name: string, firstWithinMs: number): Heartbeat {
    const heartbeat = new Heartbeat(name, firstWithinMs, this.clock);
    this.loops.push(heartbeat);
    return heartbeat;
  }

  /** The problems of every stale or stopped loop, empty while all are alive. */
  problems(): string[] {
    const problems: string[] = [];
    for (const loop of this.loops) {
      const problem = loop.problem();
      if (problem !== undefined) problems.push(problem);
    }
    return problems;
  }
}
