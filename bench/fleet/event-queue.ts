/** A binary min-heap of timed events (the acks and deadlines still in flight in simulated time). */
export class EventQueue<T> {
  private readonly times: number[] = [];
  private readonly items: T[] = [];

  get size(): number {
    return this.times.length;
  }

  /** Time of the earliest event, or Infinity. */
  peekTime(): number {
    return this.times[0] ?? Infinity;
  }

  push(time: number, item: T): void {
    let i = this.times.length;
    this.times.push(time);
    this.items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((this.times[parent] as number) <= time) break;
      this.times[i] = this.times[parent] as number;
      this.items[i] = this.items[parent] as T;
      i = parent;
    }
    this.times[i] = time;
    this.items[i] = item;
  }

  /** Removes and returns the earliest event. */
  pop(): { time: number; item: T } | undefined {
    if (this.times.length === 0) return undefined;
    const top = { time: this.times[0] as number, item: this.items[0] as T };
    const lastTime = this.times.pop() as number;
    const lastItem = this.items.pop() as T;
    const n = this.times.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && (this.times[r] as number) < (this.times[l] as number) ? r : l;
        if ((this.times[c] as number) >= lastTime) break;
        this.times[i] = this.times[c] as number;
        this.items[i] = this.items[c] as T;
        i = c;
      }
      this.times[i] = lastTime;
      this.items[i] = lastItem;
    }
    return top;
  }
}
