import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MemoryScoringStore,
  RedisScoringStore,
  ScoringKeys,
  ScriptRunner,
  createScoringEngine,
  createSeededRandom,
  loadScripts,
  packageInfo,
  type Forgetting,
  type StatEntry,
} from '../../../scoring/index.js';
import { deleteKeys, newRedisClient, testPrefix } from '../../support/redis.js';

const MS = 60_000;
/** Plain decay (no recent counters, no resets): merges commute, so concurrent order does not matter. */
const H: Forgetting = { halfLifeMs: MS, recentHalfLifeMs: 0, changeThreshold: 0 };
const T0 = 1_700_000_000_000;
const cls = { platform: 'android', brand: 'xiaomi', model: 'mi 11' };

let clients: Redis[] = [];
let prefix = '';

function client(): Redis {
  const c = newRedisClient();
  clients.push(c);
  return c;
}

beforeEach(() => {
  prefix = testPrefix();
});

afterEach(async () => {
  const [first] = clients;
  if (first !== undefined) await deleteKeys(first, prefix);
  await Promise.all(clients.map((c) => c.quit()));
  clients = [];
});

describe('RedisScoringStore: atomic decay + increment', () => {
  it('adds up exactly when several clients record the same counters concurrently', async () => {
    const stores = Array.from({ length: 4 }, () => new RedisScoringStore(client(), { prefix, batchSize: 7 }));
    const batch: StatEntry[] = ['android', 'android\txiaomi', 'android\txiaomi\tmi 11'].flatMap((classKey) => [
      { classKey, provider: 'xiaomi', successes: 1, failures: 0, latencySum: 300, latencyCount: 1, recentSuccesses: 1, recentFailures: 0, at: T0 },
      { classKey, provider: 'jpush', successes: 0, failures: 1, latencySum: 0, latencyCount: 0, recentSuccesses: 0, recentFailures: 1, at: T0 },
    ]);
    await Promise.all(stores.flatMap((store) => Array.from({ length: 250 }, () => store.apply('shop', batch, H))));
    const loaded = (await stores[0]!.load(['shop'])).get('shop') ?? [];
    expect(loaded).toHaveLength(6);
    for (const e of loaded) {
      if (e.provider === 'xiaomi') expect(e).toMatchObject({ successes: 1000, failures: 0, latencySum: 300_000, latencyCount: 1000 });
      else expect(e).toMatchObject({ successes: 0, failures: 1000 });
    }
  });

  it('matches the memory store when concurrent batches carry different timestamps', async () => {
    const random = createSeededRandom(99);
    const batches: StatEntry[][] = Array.from({ length: 200 }, () =>
      Array.from({ length: 5 }, () => ({
        classKey: `android\tbrand${Math.floor(random() * 3)}`,
        provider: random() < 0.5 ? 'fcm' : 'jpush',
        successes: random() < 0.8 ? 1 : 0,
        failures: random() < 0.2 ? 1 : 0,
        latencySum: 0,
        latencyCount: 0,
        recentSuccesses: 0,
        recentFailures: 0,
        at: T0 + Math.floor(random() * 10 * MS),
      })),
    );
    const memory = new MemoryScoringStore();
    for (const b of batches) await memory.apply('shop', b, H);
    const stores = Array.from({ length: 3 }, () => new RedisScoringStore(client(), { prefix }));
    await Promise.all(batches.map((b, i) => stores[i % 3]!.apply('shop', b, H)));
    const expected = new Map(((await memory.load(['shop'])).get('shop') ?? []).map((e) => [`${e.classKey}|${e.provider}`, e]));
    const got = (await stores[0]!.load(['shop'])).get('shop') ?? [];
    expect(got).toHaveLength(expected.size);
    for (const e of got) {
      const want = expected.get(`${e.classKey}|${e.provider}`)!;
      expect(e.at).toBe(want.at);
      expect(e.successes).toBeCloseTo(want.successes, 9);
      expect(e.failures).toBeCloseTo(want.failures, 9);
    }
  });

  it('matches the memory store exactly, resets included, for the same sequence of batches', async () => {
    const detecting: Forgetting = { halfLifeMs: 10 * MS, recentHalfLifeMs: MS, changeThreshold: 3 };
    const random = createSeededRandom(7);
    // Two fields whose delivery rate flips every 5 minutes, so change detection fires again and again.
    const batches: StatEntry[][] = Array.from({ length: 300 }, (_, i) => {
      const at = T0 + i * 5_000;
      const rate = Math.floor(i / 60) % 2 === 0 ? 0.95 : 0.1;
      return Array.from({ length: 4 }, (_, j) => {
        const delivered = random() < rate ? 1 : 0;
        return {
          classKey: j % 2 === 0 ? 'android' : 'android\txiaomi',
          provider: 'xiaomi',
          successes: delivered,
          failures: 1 - delivered,
          latencySum: 0,
          latencyCount: 0,
          recentSuccesses: delivered,
          recentFailures: 1 - delivered,
          at,
        };
      });
    });
    const memory = new MemoryScoringStore();
    const store = new RedisScoringStore(client(), { prefix });
    let resets = 0;
    for (const b of batches) {
      await memory.apply('shop', b, detecting);
      await store.apply('shop', b, detecting);
      const mem = (await memory.load(['shop'])).get('shop') ?? [];
      resets += mem.filter((e) => e.recentSuccesses + e.recentFailures === 0).length;
    }
    expect(resets).toBeGreaterThan(2);
    const want = new Map(((await memory.load(['shop'])).get('shop') ?? []).map((e) => [e.classKey, e]));
    const got = (await store.load(['shop'])).get('shop') ?? [];
    expect(got).toHaveLength(2);
    for (const e of got) {
      const w = want.get(e.classKey)!;
      for (const k of ['successes', 'failures', 'recentSuccesses', 'recentFailures'] as const) expect(e[k]).toBeCloseTo(w[k], 9);
      expect(e.at).toBe(w.at);
    }
  });

  it('reads counters stored before recent counters existed, and merges onto them', async () => {
    const redis = client();
    const store = new RedisScoringStore(redis, { prefix });
    await redis.hset(new ScoringKeys(prefix).stats('shop'), 'android\tfcm', `4 1 0 0 ${T0}`);
    expect((await store.load(['shop'])).get('shop')).toEqual([
      { classKey: 'android', provider: 'fcm', successes: 4, failures: 1, latencySum: 0, latencyCount: 0, recentSuccesses: 0, recentFailures: 0, at: T0 },
    ]);
    await store.apply('shop', [{ classKey: 'android', provider: 'fcm', successes: 1, failures: 0, latencySum: 0, latencyCount: 0, recentSuccesses: 1, recentFailures: 0, at: T0 }], { ...H, recentHalfLifeMs: MS });
    expect((await store.load(['shop'])).get('shop')?.[0]).toMatchObject({ successes: 5, failures: 1, recentSuccesses: 1, recentFailures: 0 });
  });

  it('loses nothing when several engines flush concurrently', async () => {
    const engines = Array.from({ length: 4 }, (_, i) =>
      createScoringEngine({
        store: new RedisScoringStore(client(), { prefix }),
        config: { halfLifeSeconds: 600 },
        clock: () => T0,
        random: createSeededRandom(i),
      }),
    );
    for (const engine of engines) {
      for (let i = 0; i < 300; i++) engine.record('shop', cls, i % 3 === 0 ? 'jpush' : 'xiaomi', { delivered: i % 5 !== 0, latencyMs: 100 });
    }
    await Promise.all(engines.map((e) => e.flush()));
    const reader = engines[0]!;
    await reader.refresh();
    const rows = reader.table('shop', { model: 'mi 11' });
    expect(rows.reduce((sum, r) => sum + r.samples, 0)).toBe(1200);
    expect(rows.find((r) => r.provider === 'xiaomi')?.samples).toBe(800);
  });
});

describe('RedisScoringStore: keys, scripts and failures', () => {
  it('keeps every key of an app in one hash-tagged slot and sets an expiry', async () => {
    const redis = client();
    const store = new RedisScoringStore(redis, { prefix, ttlHalfLives: 10 });
    await store.apply('shop', [{ classKey: 'android', provider: 'fcm', successes: 1, failures: 0, latencySum: 0, latencyCount: 0, recentSuccesses: 1, recentFailures: 0, at: T0 }], H);
    const key = new ScoringKeys(prefix).stats('shop');
    expect(key).toBe(`{${prefix}:shop}:scores:stats`);
    expect(await redis.exists(key)).toBe(1);
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(9 * MS);
    expect(ttl).toBeLessThanOrEqual(10 * MS);
  });

  it('registers scripts under a versioned name and maps error codes', async () => {
    const redis = client();
    new RedisScoringStore(redis, { prefix });
    expect(`recordOutcomes:${packageInfo().version}` in redis).toBe(true);
    const runner = new ScriptRunner(redis, loadScripts(fileURLToPath(new URL('../../unit/scoring/fixtures/lua/', import.meta.url))), 'test');
    expect(await runner.run('echoKeys', [`{${prefix}}:a`, `{${prefix}}:b`], ['x'])).toEqual([`{${prefix}}:a`, `{${prefix}}:b`, '[<x>]']);
    expect(() => runner.run('echoKeys', ['only-one'], ['x'])).toThrow(/takes 2 keys/);
    const raw = new ScriptRunner(redis, loadScripts(fileURLToPath(new URL('../../../scoring/lua/', import.meta.url))), 'test');
    expect(await raw.run('recordOutcomes', [`{${prefix}:x}:scores:stats`], [MS, 0, 0, 0, 'android\tfcm', 'one', 0, 0, 0, T0, 0, 0])).toBe(-1);
    expect(await redis.exists(`{${prefix}:x}:scores:stats`)).toBe(0);
  });

  it('turns an unreachable Redis into StoreUnavailableError', async () => {
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    const store = new RedisScoringStore(down, { prefix });
    await expect(store.load(['shop'])).rejects.toMatchObject({ code: 'PUSHMUX_STORE_UNAVAILABLE' });
    await expect(
      store.apply('shop', [{ classKey: 'android', provider: 'fcm', successes: 1, failures: 0, latencySum: 0, latencyCount: 0, recentSuccesses: 1, recentFailures: 0, at: T0 }], H),
    ).rejects.toMatchObject({ code: 'PUSHMUX_STORE_UNAVAILABLE' });
    down.disconnect();
  });
});

describe('engine snapshot over Redis', () => {
  it('sees another instance’s outcomes after its refresh, not before', async () => {
    const now = { t: T0 };
    const make = () =>
      createScoringEngine({
        store: new RedisScoringStore(client(), { prefix }),
        config: { halfLifeSeconds: 600, policy: 'greedy' },
        clock: () => now.t,
      });
    const writer = make();
    const reader = make();
    expect(reader.rank('shop', cls, ['jpush', 'xiaomi'])[0]).toBe('jpush');
    for (let i = 0; i < 50; i++) {
      writer.record('shop', cls, 'xiaomi', { delivered: true, latencyMs: 200 });
      writer.record('shop', cls, 'jpush', { delivered: false });
    }
    await writer.flush();
    expect(reader.rank('shop', cls, ['jpush', 'xiaomi'])[0]).toBe('jpush');
    await reader.refresh();
    expect(reader.rank('shop', cls, ['jpush', 'xiaomi'])[0]).toBe('xiaomi');
    now.t += 600_000;
    const [row] = reader.table('shop', { model: 'mi 11', platform: 'android' }).filter((r) => r.provider === 'xiaomi');
    expect(row).toMatchObject({ level: 'model', samples: 25, latencyMs: 200 });
  });
});
