/**
 * A fixed-capacity ring: pushing beyond capacity overwrites the oldest item, so memory stays
 * bounded however long the server runs. `dropped` counts what was overwritten.
 */
export class Ring<T> {
  readonly #items: Array<T | undefined>;
  #start = 0;
  #size = 0;
  #dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be ≥ 1, got ${capacity}`);
    this.#items = new Array(capacity).fill(undefined);
  }

  get size(): number {
    return this.#size;
  }

  get dropped(): number {
    return this.#dropped;
  }

  /** Appends; returns the item it overwrote, if any. */
  push(item: T): T | undefined {
    const end = (this.#start + this.#size) % this.capacity;
    if (this.#size < this.capacity) {
      this.#items[end] = item;
      this.#size++;
      return undefined;
    }
    const old = this.#items[this.#start];
    this.#items[this.#start] = item;
    this.#start = (this.#start + 1) % this.capacity;
    this.#dropped++;
    return old;
  }

  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#items[this.#start];
    this.#items[this.#start] = undefined;
    this.#start = (this.#start + 1) % this.capacity;
    this.#size--;
    return item;
  }

  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[this.#start];
  }

  /** The newest `limit` items (all by default), oldest first. */
  toArray(limit = this.#size): T[] {
    const n = Math.max(0, Math.min(limit, this.#size));
    const out = new Array<T>(n);
    const first = this.#start + this.#size - n;
    for (let i = 0; i < n; i++) out[i] = this.#items[(first + i) % this.capacity] as T;
    return out;
  }

  clear(): void {
    this.#items.fill(undefined);
    this.#start = 0;
    this.#size = 0;
  }
}
