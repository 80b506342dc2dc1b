import type { DeadlineStore } from '../ports.js';

/** A due time and its member; an entry whose member was cancelled or rescheduled is skipped when popped. */
interface HeapEntry {
  at: number;
  member: string;
}

/** Min-heap by due time: claims look at the few due entries, not every pending deadline each tick. */
class DueHeap {
  private readonly items: HeapEntry[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): HeapEntry | undefined {
    return this.items[0];
  }

  push(entry: HeapEntry): void {
    const items = this.items;
    let i = items.push(entry) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const up = items[parent] as HeapEntry;
      if (up.at <= entry.at) break;
      items[i] = up;
      i = parent;
    }
    items[i] = entry;
  }

  pop(): HeapEntry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && (items[right] as HeapEntry).at < (items[left] as HeapEntry).at ? right : left;
      if ((items[child] as HeapEntry).at >= last.at) break;
      items[i] = items[child] as HeapEntry;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

interface AppDeadlines {
  /** Pending deadlines: member → due time (the truth; the heap may hold stale entries). */
  due: Map<string, number>;
  heap: DueHeap;
  /** Claimed deadlines: member → lease end. */
  leased: Map<string, number>;
}

/** Ack deadlines in process memory, with the same claim-under-lease semantics as Redis. */
export class MemoryDeadlineStore implements DeadlineStore {
  private readonly apps = new Map<string, AppDeadlines>();

  async schedule(app: string, member: string, dueAt: number): Promise<void> {
    this.add(app, member, dueAt);
  }

  /** schedule() without the promise: the memory notification store calls it inside its atomic write. */
  add(app: string, member: string, dueAt: number): void {
    const deadlines = this.of(app);
    deadlines.due.set(member, dueAt);
    deadlines.heap.push({ at: dueAt, member });
  }

  async cancel(app: string, member: string): Promise<boolean> {
    return this.remove(app, member);
  }

  /** cancel() without the promise: the memory notification store calls it inside an ack's atomic write. */
  remove(app: string, member: string): boolean {
    return this.of(app).due.delete(member);
  }

  async claimDue(app: string, now: number, leaseUntil: number, limit: number): Promise<string[]> {
    const { due, heap, leased } = this.of(app);
    for (const [member, until] of leased) {
      if (until <= now) {
        leased.delete(member);
        due.set(member, now);
        heap.push({ at: now, member });
      }
    }
    const claimed: string[] = [];
    for (let top = heap.peek(); top !== undefined && top.at <= now && claimed.length < limit; top = heap.peek()) {
      heap.pop();
      // Stale: cancelled, claimed already, or rescheduled to another time (its newer entry counts).
      if (due.get(top.member) !== top.at) continue;
      due.delete(top.member);
      leased.set(top.member, leaseUntil);
      claimed.push(top.member);
    }
    this.compact(app);
    return claimed;
  }

  async release(app: string, member: string): Promise<void> {
    this.of(app).leased.delete(member);
  }

  async pending(app: string): Promise<number> {
    return this.of(app).due.size;
  }

  /** Rebuilds a heap that is mostly stale entries (many cancels), so it does not grow without bound. */
  private compact(app: string): void {
    const deadlines = this.of(app);
    if (deadlines.heap.size < 1024 || deadlines.heap.size < 4 * deadlines.due.size) return;
    const heap = new DueHeap();
    for (const [member, at] of deadlines.due) heap.push({ at, member });
    deadlines.heap = heap;
  }

  private of(app: string): AppDeadlines {
    let deadlines = this.apps.get(app);
    if (!deadlines) this.apps.set(app, (deadlines = { due: new Map(), heap: new DueHeap(), leased: new Map() }));
    return deadlines;
  }
}
