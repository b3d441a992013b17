import { randomInt } from 'node:crypto';

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
 * the first gets a microsecond drawn at random, the next the one after it, and so on
 * round the millisecond, 1,000 in all; the 1,001st shares one again (reported as
 * shared). The random start keeps two processes that use the same `Date` for a few
 * metrics each from starting on the same microsecond (1 chance in 1,000 a pair).
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
 * recently used first out): a pair seen again after that starts over at a new random
 * microsecond, meeting one of its earlier ones only by chance.
 */
export class SameMillisecondSlots {
  /** Key -> [first slot, metrics given a slot so far]. */
  private readonly next = new Map<string, [number, number]>();

  /** @param random - Draws the first slot of a pair (0..999); tests pass their own. */
  constructor(private readonly random: () => number = () => randomInt(SLOTS_PER_MILLISECOND)) {}

  /**
   * The timestamp for one more metric of `series` at the millisecond of `micros` (a
   * Date's value in µs, a whole number of milliseconds).
   */
  assign(series: string, micros: bigint): SlotAssignment {
    const key = `${micros}\u0000${series}`;
    const entry = this.next.get(key) ?? [this.random(), 0];
    const given = entry[1];
    entry[1] = given + 1;
    // Re-inserted so that Map order is least recently used first.
    this.next.delete(key);
    this.next.set(key, entry);
    if (this.next.size > MAX_REMEMBERED) this.next.delete(this.next.keys().next().value as string);
    const slot = (entry[0] + given) % SLOTS_PER_MILLISECOND;
    return { micros: micros + BigInt(slot), shared: given >= SLOTS_PER_MILLISECOND };
  }
}

/** The slots of this process: every collector shares them. */
export const PROCESS_SLOTS = new SameMillisecondSlots();
