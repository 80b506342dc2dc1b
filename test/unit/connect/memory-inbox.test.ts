import { describe, expect, it } from 'vitest';
import type { PushMessage } from '../../../providers/provider.js';
import { MemoryInbox } from '../../../src/connect/index.js';

const message = (id: string, expiresAt: number): PushMessage => ({ notificationId: id, appId: 'shop', data: {}, priority: 'normal', ttlSeconds: 60, expiresAt });

describe('memory inbox', () => {
  it('is bounded (the soonest to expire goes), lists by expiry, counts depth per app', async () => {
    let now = 1_000;
    const inbox = new MemoryInbox(3, () => now);
    for (const [id, exp] of [['a', 5_000], ['b', 2_000], ['c', 9_000], ['d', 7_000]] as const) await inbox.put('shop', 'dev', message(id, exp));
    expect((await inbox.list('shop', 'dev')).map((m) => m.notificationId)).toEqual(['a', 'd', 'c']);
    expect(await inbox.depth('shop')).toBe(3);
    await inbox.remove('shop', 'dev', ['d', 'nope']);
    expect(await inbox.depth('shop')).toBe(2);
    now = 6_000;
    await inbox.sweep('shop', now);
    expect((await inbox.list('shop', 'dev')).map((m) => m.notificationId)).toEqual(['c']);
    expect(await inbox.depth('shop')).toBe(1);
    expect(await inbox.depth('other')).toBe(0);
  });

  it('a second put of one id replaces it without counting twice', async () => {
    const inbox = new MemoryInbox(10, () => 0);
    await inbox.put('shop', 'dev', message('a', 100));
    await inbox.put('shop', 'dev', message('a', 200));
    expect(await inbox.depth('shop')).toBe(1);
    expect((await inbox.list('shop', 'dev'))[0]?.expiresAt).toBe(200);
  });
});
