/**
 * The behaviour every `ScoringStore` must have, as one suite run against each implementation
 * (DESIGN.md, Testing: "Store behaviour runs as one contract suite").
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Forgetting, ScoringStore, StatEntry } from '../../../scoring/index.js';

/** Creates a fresh, isolated store for one test and cleans it up afterwards. */
export interface StoreFixture {
  create(): Promise<ScoringStore>;
  cleanup(): Promise<void>;
}

const MS = 60_000;
/** Plain decay (no recent counters, no resets): merges commute. */
const H: Forgetting = { halfLifeMs: MS, recentHalfLifeMs: 0, changeThreshold: 0 };
const T0 = 1_700_000_000_000;
const entry = (classKey: string, provider: string, s: number, f: number, at = T0, latency = 0): StatEntry => ({
  classKey,
  provider,
  successes: s,
  failures: f,
  latencySum: latency * s,
  latencyCount: latency > 0 ? s : 0,
  recentSuccesses: s,
  recentFailures: f,
  at,
});
const byField = (entries: StatEntry[] | undefined): Record<string, StatEntry> =>
  Object.fromEntries((entries ?? []).map((e) => [`${e.classKey}|${e.provider}`, e]));

/** Registers the contract tests in the surrounding describe block. */
export function scoringStoreContract(fixture: StoreFixture): void {
  let store: ScoringStore;
  beforeEach(async () => {
    store = await fixture.create();
  });
  afterEach(async () => {
    await store.close();
    await fixture.cleanup();
  });

  it('loads nothing for an app without data', async () => {
    const loaded = await store.load(['nobody']);
    expect(loaded.get('nobody')).toEqual([]);
  });

  it('stores new counters as given and adds increments at the same time exactly', async () => {
    await store.apply('shop', [entry('android', 'fcm', 3, 1, T0, 250), entry('android\txiaomi', 'xiaomi', 1, 0)], H);
    await store.apply('shop', [entry('android', 'fcm', 2, 2, T0, 500)], H);
    const got = byField((await store.load(['shop'])).get('shop'));
    expect(got['android|fcm']).toEqual({ classKey: 'android', provider: 'fcm', successes: 5, failures: 3, latencySum: 1750, latencyCount: 5, recentSuccesses: 5, recentFailures: 3, at: T0 });
    expect(got['android\txiaomi|xiaomi']).toMatchObject({ successes: 1, failures: 0 });
  });

  it('decays to the later timestamp whichever arrives first', async () => {
    await store.apply('a', [entry('android', 'fcm', 8, 0, T0)], H);
    await store.apply('a', [entry('android', 'fcm', 0, 4, T0 + 2 * MS)], H);
    await store.apply('b', [entry('android', 'fcm', 0, 4, T0 + 2 * MS)], H);
    await store.apply('b', [entry('android', 'fcm', 8, 0, T0)], H);
    const loaded = await store.load(['a', 'b']);
    for (const app of ['a', 'b']) {
      expect(loaded.get(app)).toEqual([
        { classKey: 'android', provider: 'fcm', successes: 2, failures: 4, latencySum: 0, latencyCount: 0, recentSuccesses: 0, recentFailures: 4, at: T0 + 2 * MS },
      ]);
    }
  });

  it('merges a field repeated within one batch', async () => {
    await store.apply('shop', [entry('android', 'jpush', 1, 0), entry('android', 'jpush', 0, 1), entry('android', 'jpush', 1, 0, T0 + MS)], H);
    const [e] = (await store.load(['shop'])).get('shop') ?? [];
    expect(e).toMatchObject({ successes: 1.5, failures: 0.5, at: T0 + MS });
  });

  it('keeps the recent pair on its own half-life and forgets the history before a detected change', async () => {
    const detecting: Forgetting = { halfLifeMs: 30 * MS, recentHalfLifeMs: MS, changeThreshold: 4 };
    await store.apply('shop', [entry('android', 'xiaomi', 950, 50)], detecting);
    // Healthy again a minute later: recent halves, no reset.
    await store.apply('shop', [entry('android', 'xiaomi', 19, 1, T0 + MS)], detecting);
    let [e] = (await store.load(['shop'])).get('shop') ?? [];
    expect(e?.successes).toBeCloseTo(950 * 2 ** (-1 / 30) + 19, 9);
    expect(e?.recentSuccesses).toBeCloseTo(475 + 19, 9);
    expect(e?.recentFailures).toBeCloseTo(25 + 1, 9);
    // Four minutes later it collapses: 3 of 30 delivered. The older history is dropped.
    await store.apply('shop', [entry('android', 'xiaomi', 3, 27, T0 + 5 * MS)], detecting);
    [e] = (await store.load(['shop'])).get('shop') ?? [];
    expect(e?.successes).toBeCloseTo((475 + 19) / 16 + 3, 9);
    expect(e?.failures).toBeCloseTo((25 + 1) / 16 + 27, 9);
    expect(e).toMatchObject({ recentSuccesses: 0, recentFailures: 0, at: T0 + 5 * MS });
  });

  it('keeps apps apart and class keys with spaces intact', async () => {
    await store.apply('one', [entry('android\tsamsung\tgalaxy s23 ultra', 'fcm', 1, 0)], H);
    await store.apply('two', [entry('ios', 'apns', 0, 1)], H);
    const loaded = await store.load(['one', 'two']);
    expect(loaded.get('one')?.map((e) => [e.classKey, e.provider])).toEqual([['android\tsamsung\tgalaxy s23 ultra', 'fcm']]);
    expect(loaded.get('two')?.map((e) => [e.classKey, e.provider])).toEqual([['ios', 'apns']]);
  });

  it('applies large batches completely', async () => {
    const entries = Array.from({ length: 2500 }, (_, i) => entry(`android\tbrand${i % 50}\tmodel${i}`, 'fcm', 1, 1));
    await store.apply('big', entries, H);
    expect((await store.load(['big'])).get('big')).toHaveLength(2500);
  });
}
