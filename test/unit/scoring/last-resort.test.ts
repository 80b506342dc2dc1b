/**
 * Where SMS goes among the ranked push providers: placed by expected utility against each provider
 * (learned delivery − latency − the app's cost per text), never by a policy draw.
 */
import { describe, expect, it } from 'vitest';
import {
  MemoryScoringStore,
  createScoringEngine,
  createSeededRandom,
  lastResortIndex,
  type DeviceClass,
  type ScoringConfig,
  type ScoringEngine,
} from '../../../scoring/index.js';

const nokia: DeviceClass = { platform: 'android', brand: 'Nokia', model: 'G42' };

function engineWith(config: Partial<ScoringConfig> = {}): ScoringEngine {
  return createScoringEngine({
    store: new MemoryScoringStore(),
    config: { halfLifeSeconds: 600, latencyWeight: 0, ...config },
    clock: () => 1_700_000_000_000,
    random: createSeededRandom(7),
  });
}

function feed(engine: ScoringEngine, app: string, provider: string, delivered: number, failed: number): void {
  for (let i = 0; i < delivered; i++) engine.record(app, nokia, provider, { delivered: true, latencyMs: 800 });
  for (let i = 0; i < failed; i++) engine.record(app, nokia, provider, { delivered: false });
}

describe('lastResortIndex (the rule)', () => {
  it('goes right after the last provider that does at least as well, keeping the ranked order', () => {
    expect(lastResortIndex([0.9, 0.7], 0.5)).toBe(2);
    expect(lastResortIndex([0.9, 0.2], 0.5)).toBe(1);
    expect(lastResortIndex([0.1, 0.2], 0.5)).toBe(0);
    // An exploratory first pick below the text stays first when a provider after it beats the text.
    expect(lastResortIndex([0.2, 0.9], 0.5)).toBe(2);
    // A tie keeps the free channel first.
    expect(lastResortIndex([0.5], 0.5)).toBe(1);
    expect(lastResortIndex([], 0.5)).toBe(0);
  });
});

describe('scoring engine: where SMS goes', () => {
  it('puts SMS ahead of a hopeless push provider', () => {
    const engine = engineWith();
    feed(engine, 'shop', 'fcm', 1, 40);
    feed(engine, 'shop', 'sms', 38, 2);
    expect(engine.lastResortIndex('shop', nokia, ['fcm'], 'sms')).toBe(0);
  });

  it('keeps SMS behind a good push provider, and between a good and a hopeless one', () => {
    const engine = engineWith();
    feed(engine, 'shop', 'jpush', 38, 2);
    feed(engine, 'shop', 'fcm', 1, 40);
    feed(engine, 'shop', 'sms', 38, 2);
    expect(engine.lastResortIndex('shop', nokia, ['jpush'], 'sms')).toBe(1);
    expect(engine.lastResortIndex('shop', nokia, ['jpush', 'fcm'], 'sms')).toBe(1);
  });

  it('leaves SMS last at its default cost when push channels are good and SMS has no data', () => {
    const engine = engineWith({ latencyWeight: 0.002 });
    feed(engine, 'shop', 'jpush', 30, 10);
    feed(engine, 'shop', 'fcm', 25, 15);
    const ranked = engine.rank('shop', nokia, ['jpush', 'fcm']);
    expect(engine.lastResortIndex('shop', nokia, ranked, 'sms')).toBe(2);
  });

  it('weighs the app\'s own cost per text: a cheap contract moves SMS ahead, the default does not', () => {
    const engine = engineWith({ appCosts: { cheap: { sms: 0.05 } } });
    for (const app of ['shop', 'cheap']) {
      feed(engine, app, 'fcm', 28, 12); // ~0.69
      feed(engine, app, 'sms', 38, 2); // ~0.93: 0.63 at the default 0.3, 0.88 at 0.05
    }
    expect(engine.lastResortIndex('shop', nokia, ['fcm'], 'sms')).toBe(1);
    expect(engine.lastResortIndex('cheap', nokia, ['fcm'], 'sms')).toBe(0);
  });

  it('a dearer app cost keeps SMS behind a provider the global cost would put it ahead of', () => {
    const engine = engineWith({ appCosts: { dear: { sms: 0.8 } } });
    for (const app of ['shop', 'dear']) {
      feed(engine, app, 'fcm', 8, 32); // ~0.2
      feed(engine, app, 'sms', 38, 2);
    }
    expect(engine.lastResortIndex('shop', nokia, ['fcm'], 'sms')).toBe(0);
    expect(engine.lastResortIndex('dear', nokia, ['fcm'], 'sms')).toBe(1);
  });

  it('never puts SMS first by exploration: its place is the same on every call', () => {
    // Unbounded Thompson with no overlap gate: as an arm, an SMS row with little data would be drawn
    // first often (Beta(3, 1) − 0.3 beats fcm's ~0.6 about a third of the time). Placed by expected
    // utility (0.75 − 0.3 = 0.45 < 0.6) it stays behind fcm on every call.
    const engine = engineWith({ exploration: 1, explorationOverlap: 0 });
    feed(engine, 'shop', 'fcm', 24, 16);
    feed(engine, 'shop', 'sms', 2, 0);
    const asArm = new Set<string>();
    for (let i = 0; i < 200; i++) asArm.add(engine.rank('shop', nokia, ['fcm', 'sms'])[0] as string);
    expect(asArm).toEqual(new Set(['fcm', 'sms'])); // what a draw would do
    for (let i = 0; i < 200; i++) expect(engine.lastResortIndex('shop', nokia, ['fcm'], 'sms')).toBe(1);
  });

  it('rejects a negative or non-finite app cost, naming the field', () => {
    expect(() => engineWith({ appCosts: { shop: { sms: -0.1 } } })).toThrow(/scoring\.appCosts\.shop\.sms/);
    expect(() => engineWith({ appCosts: { shop: { sms: Number.NaN } } })).toThrow(/scoring\.appCosts\.shop\.sms/);
  });
});
