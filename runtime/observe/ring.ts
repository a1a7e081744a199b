/**
 * A fixed-capacity ring buffer: pushing onto a full buffer drops the oldest item. Used for
 * metrics (360 points at 10 s, 1,440 at 1 min) and log lines (1,000 per service).
 */
export class RingBuffer<T> {
  private items: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number, initial: readonly T[] = []) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    // The newest `capacity` items, in order, at head 0 (loading a saved store: one copy, no
    // push per item).
    this.items = initial.length > capacity ? initial.slice(-capacity) : initial.slice();
    this.count = this.items.length;
    this.items.length = capacity;
  }

  push(item: T): void {
    this.items[(this.head + this.count) % this.capacity] = item;
    if (this.count < this.capacity) this.count++;
    else this.head = (this.head + 1) % this.capacity;
  }

  get size(): number {
    return this.count;
  }

  /** The newest item, if any. */
  last(): T | undefined {
    return this.count === 0 ? undefined : this.items[(this.head + this.count - 1) % this.capacity];
  }

  /** The oldest item, if any. */
  first(): T | undefined {
    return this.count === 0 ? undefined : this.items[this.head];
  }

  /** Items oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.items[(this.head + i) % this.capacity] as T);
    return out;
  }

  /** The newest n items, oldest first. */
  tail(n: number): T[] {
    const a = this.toArray();
    return n >= a.length ? a : a.slice(a.length - n);
  }
}
