import type { DeadlineStore } from '../ports.js';

/** Ack deadlines in process memory, with the same claim-under-lease semantics as Redis. */
export class MemoryDeadlineStore implements DeadlineStore {
  private readonly due = new Map<string, Map<string, number>>();
  private readonly leased = new Map<string, Map<string, number>>();

  async schedule(app: string, member: string, dueAt: number): Promise<void> {
    this.of(this.due, app).set(member, dueAt);
  }

  async cancel(app: string, member: string): Promise<boolean> {
    return this.of(this.due, app).delete(member);
  }

  async claimDue(app: string, now: number, leaseUntil: number, limit: number): Promise<string[]> {
    const due = this.of(this.due, app);
    const leased = this.of(this.leased, app);
    for (const [member, until] of leased) {
      if (until <= now) {
        leased.delete(member);
        due.set(member, now);
      }
    }
    const claimed = [...due].filter(([, at]) => at <= now).sort((a, b) => a[1] - b[1]).slice(0, limit).map(([m]) => m);
    for (const member of claimed) {
      due.delete(member);
      leased.set(member, leaseUntil);
    }
    return claimed;
  }

  async release(app: string, member: string): Promise<void> {
    this.of(this.leased, app).delete(member);
  }

  async pending(app: string): Promise<number> {
    return this.of(this.due, app).size;
  }

  private of(maps: Map<string, Map<string, number>>, app: string): Map<string, number> {
    let map = maps.get(app);
    if (!map) maps.set(app, (map = new Map()));
    return map;
  }
}
