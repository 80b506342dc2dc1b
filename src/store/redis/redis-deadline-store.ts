import type { RedisClient } from './redis-client.js';
import type { DeadlineStore } from '../ports.js';
import { guard } from './guard.js';
import type { RedisKeys } from './redis-keys.js';
import type { StoreScripts } from './redis-scripts.js';

/** Ack deadlines as two sorted sets per app: due (scored by due time) and leased (by lease end). */
export class RedisDeadlineStore implements DeadlineStore {
  constructor(private readonly client: RedisClient, private readonly keys: RedisKeys, private readonly scripts: StoreScripts) {}

  schedule(app: string, member: string, dueAt: number): Promise<void> {
    return guard('deadline schedule', async () => void (await this.client.zadd(this.keys.deadlines(app), dueAt, member)));
  }

  cancel(app: string, member: string): Promise<boolean> {
    return guard('deadline cancel', async () => (await this.client.zrem(this.keys.deadlines(app), member)) === 1);
  }

  claimDue(app: string, now: number, leaseUntil: number, limit: number): Promise<string[]> {
    return guard('deadline claim', () => this.scripts.claimDeadlines(this.keys.deadlines(app), this.keys.deadlinesLeased(app), now, leaseUntil, limit));
  }

  release(app: string, member: string): Promise<void> {
    return guard('deadline release', async () => void (await this.client.zrem(this.keys.deadlinesLeased(app), member)));
  }

  pending(app: string): Promise<number> {
    return guard('deadline pending', () => this.client.zcard(this.keys.deadlines(app)));
  }
}
