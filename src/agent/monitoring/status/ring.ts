/**
 * A fixed-capacity ring of the latest items: pushing onto a full ring drops the oldest.
 * Its memory is allocated once, so a history kept for an hour costs the same after a
 * minute as after a month.
 */
export class Ring<T> {
  private readonly items: (T | undefined)[];
  private next = 0;
  private count = 0;

  /** @throws RangeError unless `capacity` is a positive integer. */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`a ring's capacity must be a positive integer, got ${capacity}`);
    }
    this.items = new Array<T | undefined>(capacity).fill(undefined);
  }

  /** How many items it holds (at most `capacity`). */
  get size(): number {
    return this.count;
  }

  /** Adds `item` as the newest, dropping the oldest when full. */
  push(item: T): void {
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count += 1;
  }

  /** The newest item, if any. */
  newest(): T | undefined {
    return this.count === 0 ? undefined : this.items[(this.next - 1 + this.capacity) % this.capacity];
  }

  /** Every item held, oldest first. */
  toArray(): T[] {
    const start = (this.next - this.count + this.capacity) % this.capacity;
    const out: T[] = [];
    for (let i = 0; i < this.count; i += 1) out.push(this.items[(start + i) % this.capacity] as T);
    return out;
  }
}
