import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  MemoryScoringStore,
  createScoringEngine,
  createSeededRandom,
  type DeviceClass,
  type RecordEvent,
  type ScoringConfig,
  type ScoringEngine,
  type ScoringStore,
} from '../../../scoring/index.js';

const HALF_LIFE_S = 600;
const mi11: DeviceClass = { platform: 'android', brand: 'Xiaomi', model: 'Mi 11' };
const mi12: DeviceClass = { platform: 'android', brand: 'xiaomi', model: 'mi 12' };

function setup(config: Partial<ScoringConfig> = {}, store: ScoringStore = new MemoryScoringStore()) {
  const time = { now: 1_700_000_000_000 };
  const engine = createScoringEngine({
    store,
    config: { halfLifeSeconds: HALF_LIFE_S, latencyWeight: 0, ...config },
    clock: () => time.now,
    random: createSeededRandom(1234),
  });
  return { engine, time, store };
}

function feed(engine: ScoringEngine, cls: DeviceClass, provider: string, delivered: number, failed: number): void {
  for (let i = 0; i < delivered; i++) engine.record('shop', cls, provider, { delivered: true, latencyMs: 500 });
  for (let i = 0; i < failed; i++) engine.record('shop', cls, provider, { delivered: false });
}

function firstPicks(engine: ScoringEngine, cls: DeviceClass, eligible: string[], n: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const first = engine.rank('shop', cls, eligible)[0] ?? 'none';
    counts[first] = (counts[first] ?? 0) + 1;
  }
  return counts;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('scoring engine: policies', () => {
  it('greedy ranks by posterior mean and returns every eligible provider', () => {
    const { engine } = setup({ policy: 'greedy' });
    feed(engine, mi11, 'xiaomi', 95, 5);
    feed(engine, mi11, 'jpush', 60, 40);
    feed(engine, mi11, 'fcm', 20, 80);
    expect(engine.rank('shop', mi11, ['fcm', 'jpush', 'xiaomi'])).toEqual(['xiaomi', 'jpush', 'fcm']);
  });

  it('thompson picks the clearly better provider almost always, and the close one sometimes', () => {
    const { engine } = setup({ exploration: 1 });
    feed(engine, mi11, 'xiaomi', 950, 50);
    feed(engine, mi11, 'fcm', 200, 800);
    expect(firstPicks(engine, mi11, ['fcm', 'xiaomi'], 1000)).toEqual({ xiaomi: 1000 });
    feed(engine, mi12, 'xiaomi', 9, 1);
    feed(engine, mi12, 'jpush', 8, 2);
    const close = firstPicks(engine, mi12, ['jpush', 'xiaomi'], 1000);
    expect(close.jpush).toBeGreaterThan(50);
    expect(close.xiaomi).toBeGreaterThan(close.jpush ?? 0);
  });

  it('bounds exploration: the share of non-greedy first picks stays near the cap', () => {
    const { engine } = setup({ exploration: 0.1 });
    // Two providers with identical records: unbounded Thompson would split ~50/50.
    feed(engine, mi11, 'xiaomi', 5, 5);
    feed(engine, mi11, 'jpush', 5, 5);
    const picks = firstPicks(engine, mi11, ['xiaomi', 'jpush'], 2000);
    // On a tie the greedy choice is the first eligible provider.
    expect((picks.jpush ?? 0) / 2000).toBeGreaterThan(0.05);
    expect((picks.jpush ?? 0) / 2000).toBeLessThan(0.12);
    const { engine: strict } = setup({ exploration: 0 });
    feed(strict, mi11, 'xiaomi', 5, 5);
    feed(strict, mi11, 'jpush', 6, 5);
    expect(firstPicks(strict, mi11, ['xiaomi', 'jpush'], 200)).toEqual({ jpush: 200 });
  });

  it('ucb tries a provider it knows nothing about', () => {
    const { engine } = setup({ policy: 'ucb', exploration: 1 });
    feed(engine, mi11, 'xiaomi', 90, 10);
    expect(engine.rank('shop', mi11, ['xiaomi', 'vivo'])[0]).toBe('vivo');
    feed(engine, mi11, 'vivo', 1, 30);
    expect(engine.rank('shop', mi11, ['xiaomi', 'vivo'])[0]).toBe('xiaomi');
  });

  it('weighs cost and latency into the utility', () => {
    const { engine } = setup({ policy: 'greedy', costs: { sms: 0.3 }, latencyWeight: 0.05 });
    feed(engine, mi11, 'sms', 99, 1);
    feed(engine, mi11, 'jpush', 80, 20);
    expect(engine.rank('shop', mi11, ['sms', 'jpush'])[0]).toBe('jpush');
    for (let i = 0; i < 100; i++) {
      engine.record('shop', mi12, 'fcm', { delivered: true, latencyMs: 200 });
      engine.record('shop', mi12, 'jpush', { delivered: true, latencyMs: 4000 });
    }
    expect(engine.rank('shop', mi12, ['jpush', 'fcm'])[0]).toBe('fcm');
  });
});

describe('scoring engine: hierarchy and decay', () => {
  it('starts a new model from its brand, and lets a model with its own data contradict it', () => {
    const { engine } = setup({ policy: 'greedy' });
    feed(engine, mi11, 'xiaomi', 300, 10);
    feed(engine, mi11, 'jpush', 200, 110);
    const fresh: DeviceClass = { platform: 'android', brand: 'xiaomi', model: 'mi 13' };
    expect(engine.rank('shop', fresh, ['jpush', 'xiaomi'])[0]).toBe('xiaomi');
    // Mi 12's xiaomi channel is broken: 60 own failures outweigh the brand prior (10 samples).
    feed(engine, mi12, 'xiaomi', 5, 55);
    feed(engine, mi12, 'jpush', 50, 10);
    expect(engine.rank('shop', mi12, ['jpush', 'xiaomi'])[0]).toBe('jpush');
    expect(engine.rank('shop', fresh, ['jpush', 'xiaomi'])[0]).toBe('xiaomi');
  });

  it('forgets with the half-life: an old outage fades, a fresh one shows at once', () => {
    const { engine, time } = setup({ policy: 'greedy' });
    feed(engine, mi11, 'xiaomi', 0, 200);
    feed(engine, mi11, 'jpush', 70, 30);
    expect(engine.rank('shop', mi11, ['jpush', 'xiaomi'])[0]).toBe('jpush');
    const before = engine.table('shop', { model: 'mi 11' }).find((r) => r.provider === 'xiaomi');
    expect(before?.samples).toBeCloseTo(200, 9);
    time.now += 5 * HALF_LIFE_S * 1000;
    const after = engine.table('shop', { model: 'mi 11' }).find((r) => r.provider === 'xiaomi');
    expect(after?.samples).toBeCloseTo(200 / 32, 9);
    // The fix: 20 fresh successes now outweigh 6.25 decayed failures.
    feed(engine, mi11, 'xiaomi', 20, 0);
    feed(engine, mi11, 'jpush', 0, 0);
    expect(engine.rank('shop', mi11, ['jpush', 'xiaomi'])[0]).toBe('xiaomi');
  });

  it('builds the scores table per level with intervals, effective samples and latency', () => {
    const { engine } = setup();
    feed(engine, mi11, 'xiaomi', 45, 5);
    feed(engine, { platform: 'android', brand: 'vivo', model: 'x90' }, 'vivo', 10, 0);
    const rows = engine.table('shop', { brand: 'XIAOMI' });
    expect(rows.map((r) => [r.level, r.model, r.provider, r.samples])).toEqual([
      ['brand', undefined, 'xiaomi', 50],
      ['model', 'mi 11', 'xiaomi', 50],
    ]);
    for (const row of rows) {
      expect(row.lower).toBeLessThan(row.estimate);
      expect(row.upper).toBeGreaterThan(row.estimate);
      expect(row.latencyMs).toBe(500);
    }
    expect(engine.table('shop').filter((r) => r.level === 'platform')).toHaveLength(2);
    expect(engine.table('nobody')).toEqual([]);
  });
});

describe('scoring engine: recording, flushing and refreshing', () => {
  it('tells onRecord the brand but not the model', () => {
    const { engine } = setup();
    const events: RecordEvent[] = [];
    engine.onRecord = (e) => events.push(e);
    engine.record('shop', mi11, 'xiaomi', { delivered: true, latencyMs: 120 });
    engine.record('shop', { platform: 'ios' }, 'apns', { delivered: false, latencyMs: 5 });
    expect(events).toEqual([
      { app: 'shop', platform: 'android', brand: 'xiaomi', provider: 'xiaomi', delivered: true, latencyMs: 120 },
      { app: 'shop', platform: 'ios', provider: 'apns', delivered: false },
    ]);
  });

  it('shares outcomes between engines through the store at flush + refresh', async () => {
    const store = new MemoryScoringStore();
    const a = setup({ policy: 'greedy' }, store).engine;
    const b = setup({ policy: 'greedy' }, store).engine;
    feed(a, mi11, 'jpush', 10, 90);
    feed(b, mi11, 'jpush', 5, 0);
    await b.refresh();
    expect(b.table('shop', { model: 'mi 11' })[0]?.samples).toBe(5);
    await a.flush();
    await b.refresh();
    // b sees a's flushed 100 plus its own 5 still buffered, exactly once.
    expect(b.table('shop', { model: 'mi 11' })[0]?.samples).toBe(105);
    await b.flush();
    await b.refresh();
    expect(b.table('shop', { model: 'mi 11' })[0]?.samples).toBe(105);
    const stored = await store.load(['shop']);
    expect(stored.get('shop')).toHaveLength(3);
  });

  it('refreshes and flushes on timers after start()', async () => {
    vi.useFakeTimers();
    const store = new MemoryScoringStore();
    const a = setup({ snapshotRefreshMs: 1000, flushIntervalMs: 200 }, store).engine;
    const b = setup({ snapshotRefreshMs: 1000, flushIntervalMs: 200 }, store).engine;
    b.rank('shop', mi11, ['xiaomi']);
    a.start();
    b.start();
    feed(a, mi11, 'xiaomi', 7, 0);
    expect(b.table('shop')).toEqual([]);
    await vi.advanceTimersByTimeAsync(1100);
    expect(b.table('shop', { model: 'mi 11' })[0]?.samples).toBe(7);
    await a.close();
    await b.close();
  });

  it('keeps outcomes buffered when the store fails, and writes them on the next flush', async () => {
    const memory = new MemoryScoringStore();
    let down = true;
    const flaky: ScoringStore = {
      apply: (app, entries, h) => (down ? Promise.reject(new Error('store down')) : memory.apply(app, entries, h)),
      load: (apps) => memory.load(apps),
      close: async () => {},
    };
    const { engine } = setup({}, flaky);
    feed(engine, mi11, 'xiaomi', 3, 1);
    await expect(engine.flush()).rejects.toThrow('store down');
    feed(engine, mi11, 'xiaomi', 1, 0);
    down = false;
    await engine.flush();
    const entries = (await memory.load(['shop'])).get('shop') ?? [];
    expect(entries.map((e) => e.successes + e.failures)).toEqual([5, 5, 5]);
  });

  it('rejects a config value the math cannot use, naming the field', () => {
    expect(() => createScoringEngine({ store: new MemoryScoringStore(), config: { exploration: 2 } })).toThrow(
      expect.objectContaining({ code: 'PUSHMUX_CONFIG_INVALID', path: 'scoring.exploration' }),
    );
    expect(() =>
      createScoringEngine({ store: new MemoryScoringStore(), config: { rules: { a: [{ match: {}, policy: 'best' as 'ucb' }] } } }),
    ).toThrow(/rules\.a\[0\]\.policy/);
  });
});
