/**
 * The last `capacity` closes, always readable as one contiguous `Float64Array` view without a
 * copy: every close is written twice, at `i` and `i + capacity`, so the newest `length` values end
 * at `cursor + capacity` in one run.
 */
export class CloseRing {
  readonly capacity: number;
  private readonly buffer: Float64Array;
  private cursor = 0;
  private count = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.buffer = new Float64Array(2 * capacity);
  }

  get length(): number {
    return this.count;
  }

  push(value: number): void {
    this.buffer[this.cursor] = value;
    this.buffer[this.cursor + this.capacity] = value;
    this.cursor = (this.cursor + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** Oldest first; valid until the next `push`. */
  view(): Float64Array {
    const end = this.cursor + this.capacity;
    return this.buffer.subarray(end - this.count, end);
  }

  clear(): void {
    this.cursor = 0;
    this.count = 0;
  }
}
