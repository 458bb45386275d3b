/**
 * The last `capacity` values of a stream, kept both in arrival order (to know which one leaves)
 * and sorted (so any quantile is a lookup). A push costs one binary search and one shift of at
 * most `capacity` values, instead of sorting the window for every quantile read.
 */
export class SortedWindow {
  readonly capacity: number;
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private cursor = 0;
  private count = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.ring = new Float64Array(capacity);
    this.sorted = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(value: number): void {
    if (this.count === this.capacity) {
      const leaving = this.ring[this.cursor]!;
      const at = this.lowerBound(leaving);
      this.sorted.copyWithin(at, at + 1, this.count);
      this.count--;
    }
    const at = this.lowerBound(value);
    this.sorted.copyWithin(at + 1, at, this.count);
    this.sorted[at] = value;
    this.count++;
    this.ring[this.cursor] = value;
    this.cursor = (this.cursor + 1) % this.capacity;
  }

  /** The values in ascending order; valid until the next `push`. */
  values(): Float64Array {
    return this.sorted.subarray(0, this.count);
  }

  clear(): void {
    this.cursor = 0;
    this.count = 0;
  }

  /** First index whose value is ≥ `x`. */
  private lowerBound(x: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
