/** Distinct microseconds a `Date`'s millisecond offers: the digits below it. */
export const SLOTS_PER_MILLISECOND = 1000;

/** (series, millisecond) pairs remembered; the least recently used beyond it are forgotten. */
const MAX_REMEMBERED = 20_000;

/** A microsecond given to a metric with a `Date` timestamp. */
export interface SlotAssignment {
  /** Microseconds since the epoch: the Date's millisecond plus the slot. */
  readonly micros: bigint;
  /** Whether every slot of that millisecond was already taken for the series, so this one is shared. */
  readonly shared: boolean;
}

/**
 * Hands out the microseconds below a `Date`'s millisecond, so that metrics of one series
 * (name and dimensions) given the same `Date` get distinct timestamps in this process:
 * the first gets the millisecond's microsecond 0, the next 1, and so on up to 999; the
 * 1,001st shares one again (reported as shared).
 *
 * Why this keeps stored points distinct and republishing idempotent: the microseconds
 * are decided here, once, and written into the message (`%f`), so every publish of those
 * bytes reads the same ones. The InfluxDB publisher then stores a metric at its
 * microsecond × 1000 plus an offset of 0–999 ns derived from the message's content:
 * metrics with different microseconds can never meet, whatever their offsets, and the
 * same message always gets the same offsets. Only a metric sharing a microsecond with
 * another relies on the offsets differing (999 chances in 1,000).
 *
 * Pairs not seen for a while are forgotten (at most {@link MAX_REMEMBERED} are kept, least
 * recently used first out): a pair seen again after that starts over at slot 0.
 */
export class SameMillisecondSlots {
  private readonly next = new Map<string, number>();

  /**
   * The timestamp for one more metric of `series` at the millisecond of `micros` (a
   * Date's value in µs, a whole number of milliseconds).
   */
  assign(series: string, micros: bigint): SlotAssignment {
    const key = `${micros}\u0000${series}`;
    const slot = this.next.get(key) ?? 0;
    // Re-inserted so that Map order is least recently used first.
    this.next.delete(key);
    this.next.set(key, slot + 1);
    if (this.next.size > MAX_REMEMBERED) this.next.delete(this.next.keys().next().value as string);
    return { micros: micros + BigInt(slot % SLOTS_PER_MILLISECOND), shared: slot >= SLOTS_PER_MILLISECOND };
  }
}

/** The slots of this process: every collector shares them. */
export const PROCESS_SLOTS = new SameMillisecondSlots();
