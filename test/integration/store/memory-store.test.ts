import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMemoryStores, MemoryDeadlineStore } from '../../../src/store/memory/index.js';
import { storeContract } from './store-contract.js';

storeContract('memory', async () => ({ stores: createMemoryStores(), app: `app-${randomUUID().slice(0, 6)}` }), async ({ stores }) => stores.health.close());

describe('memory deadline store', () => {
  it('claims in due order and stays correct when most scheduled deadlines were cancelled (heap compaction)', async () => {
    const d = new MemoryDeadlineStore();
    for (let i = 0; i < 5_000; i++) await d.schedule('a', `n${i}|d|1`, 10_000 - i);
    for (let i = 0; i < 5_000; i++) if (i % 500 !== 0) await d.cancel('a', `n${i}|d|1`);
    expect(await d.pending('a')).toBe(10);
    expect(await d.claimDue('a', 0, 1, 10)).toEqual([]);
    const claimed = await d.claimDue('a', 20_000, 30_000, 4);
    expect(claimed).toEqual(['n4500|d|1', 'n4000|d|1', 'n3500|d|1', 'n3000|d|1']);
    await d.schedule('a', 'late|d|1', 25_000);
    expect(await d.claimDue('a', 20_000, 30_000, 100)).toEqual(['n2500|d|1', 'n2000|d|1', 'n1500|d|1', 'n1000|d|1', 'n500|d|1', 'n0|d|1']);
    expect(await d.pending('a')).toBe(1);
    expect(await d.claimDue('a', 25_000, 30_000, 100)).toEqual(['late|d|1']);
  });
});
