import { Heartbeats } from './heartbeats.js';
import { Readiness } from './readiness.js';

/** Upper bounds (seconds) of the publish duration histogram's buckets. */
export const PUBLISH_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
]);

/** How one publish attempt ended (`PublishAttempt.status`). */
export type PublishAttemptOutcome = 'published' | 'transient' | 'failed';

/**
 * The agent's own figures, as `/metrics` shows them, and the state `/healthz` and
 * `/readyz` answer from. The components record into it where outcomes are known
 * (`Delivery`, `NannyLoop`, `publishAndSettle`, the receivers); each record is a few
 * plain number increments, so the publish path pays nothing measurable. Everything is
 * read at scrape time.
 */
export class AgentStats {
  /** Messages taken from the channel by the receivers. */
  received = 0;
  /** Messages written and completed (by the receivers and the nanny). */
  published = 0;
  /** Of `published`, those the nanny republished after they were stuck in progress. */
  republished = 0;
  /** Points written: one per counter and timer of each message the publisher wrote. */
  points = 0;
  /** Messages the agent dead-lettered after the publisher rejected them, by reason class. */
  readonly deadLettered = new Map<string, number>();
  /** Publish attempts by outcome. */
  readonly attempts: Record<PublishAttemptOutcome, number> = { published: 0, transient: 0, failed: 0 };
  /** Publish attempts per duration bucket (not cumulative; `PUBLISH_DURATION_BUCKETS`, then +Inf). */
  readonly durationCounts: number[] = new Array<number>(PUBLISH_DURATION_BUCKETS.length + 1).fill(0);
  /** Seconds all publish attempts took together. */
  durationSum = 0;
  /** Liveness of the agent's loops. */
  readonly heartbeats: Heartbeats;
  /** Whether the channel and the publisher answer. */
  readonly readiness: Readiness;
  private unavailableSince: number | undefined;
  private unavailableMs = 0;

  /** @param clock monotonic milliseconds (tests pass their own). */
  constructor(private readonly clock: () => number = () => performance.now()) {
    this.heartbeats = new Heartbeats(clock);
    this.readiness = new Readiness(clock);
  }

  /** The current time of the stats' clock, to time an attempt with `attempt`. */
  now(): number {
    return this.clock();
  }

  /** One publish attempt that started at `startedAt` (from `now()`) ended with `outcome`. */
  attempt(outcome: PublishAttemptOutcome, startedAt: number): void {
    const seconds = (this.clock() - startedAt) / 1000;
    this.attempts[outcome] += 1;
    this.durationSum += seconds;
    let bucket = 0;
    while (bucket < PUBLISH_DURATION_BUCKETS.length && seconds > (PUBLISH_DURATION_BUCKETS[bucket] as number)) bucket += 1;
    this.durationCounts[bucket] = (this.durationCounts[bucket] as number) + 1;
  }

  /** One message dead-lettered after the publisher rejected it, for a reason of class `reasonClass`. */
  deadLetter(reasonClass: string): void {
    this.deadLettered.set(reasonClass, (this.deadLettered.get(reasonClass) ?? 0) + 1);
  }

  /** Publishing became unavailable (the receivers' gate closed). */
  unavailable(): void {
    this.unavailableSince ??= this.clock();
  }

  /** Publishing is available again (the gate opened). */
  available(): void {
    if (this.unavailableSince === undefined) return;
    this.unavailableMs += this.clock() - this.unavailableSince;
    this.unavailableSince = undefined;
  }

  /** Seconds publishing has been unavailable in all, the outage going on included. */
  unavailableSeconds(): number {
    const current = this.unavailableSince === undefined ? 0 : this.clock() - this.unavailableSince;
    return (this.unavailableMs + current) / 1000;
  }
}
