/**
 * The device-type rule on pushmux's own channels in a plan (`admitOwnChannels`): a deny naming the
 * long connection or SMS takes it out (reported like rule-excluded providers), a pin on one of them
 * takes the providers out and stays in force when the plan moves on; allow lists and provider pins
 * leave them alone.
 */
import { describe, expect, it } from 'vitest';
import type { Provider, ProviderName } from '../../../providers/provider.js';
import { createScoringEngine, MemoryScoringStore, type RoutingRule } from '../../../scoring/index.js';
import { admitOwnChannels, buildPlan, type Plan } from '../../../src/pipeline/planner.js';
import type { DeviceRecord, NotificationRecord } from '../../../src/store/records.js';

const device = (brand: string): DeviceRecord => ({
  id: `d-${brand}`, platform: 'android', brand, model: 'x1', phone: '+4915112345678', tokens: { fcm: 'f', hms: 'h' },
  key: 'k', createdAt: 0, updatedAt: 0,
});
const planOf = (...channels: ProviderName[]): Plan => ({
  steps: channels.map((channel) => ({ channel, provider: {} as Provider, token: 't' })),
  ranked: channels,
  skipped: [],
});
const ranker = (rules: RoutingRule[]) =>
  createScoringEngine({ store: new MemoryScoringStore(), config: { rules: { shop: rules } }, clock: () => 0, random: () => 0.5 });
const BOTH = ['longconn', 'sms'];

describe('admitOwnChannels', () => {
  it('returns the candidates as they are where no rule matches or the rule leaves them in', () => {
    const engine = ranker([{ match: { brand: 'huawei' }, prefer: ['hms'], policy: 'greedy' }]);
    for (const brand of ['huawei', 'samsung']) {
      const plan = planOf('hms', 'fcm');
      const out = admitOwnChannels(engine, 'shop', device(brand), plan, BOTH, []);
      expect(out.channels).toBe(BOTH);
      expect(out.skipped).toEqual([]);
      expect(plan.steps.map((s) => s.channel)).toEqual(['hms', 'fcm']);
    }
  });

  it('reports a channel the rule denies as excluded by routing rule, for the matching brand only', () => {
    const engine = ranker([{ match: { brand: 'huawei' }, deny: ['sms'] }]);
    expect(admitOwnChannels(engine, 'shop', device('huawei'), planOf('hms'), BOTH, [])).toEqual({
      channels: ['longconn'], skipped: [{ channel: 'sms', reason: 'excluded by routing rule' }],
    });
    expect(admitOwnChannels(engine, 'shop', device('samsung'), planOf('fcm'), BOTH, []).channels).toEqual(BOTH);
  });

  it('keeps both behind a provider pin or an allow list: those choose among providers', () => {
    for (const rule of [{ pin: 'hms' }, { allow: ['hms'] }]) {
      const engine = ranker([{ match: { brand: 'huawei' }, ...rule }]);
      expect(admitOwnChannels(engine, 'shop', device('huawei'), planOf('hms'), BOTH, [])).toEqual({ channels: BOTH, skipped: [] });
      expect(admitOwnChannels(engine, 'shop', device('huawei'), planOf('fcm'), BOTH, ['hms']).channels).toEqual(BOTH);
    }
  });

  it('a pin on sms takes the providers out of the plan, also after the text was sent', () => {
    const engine = ranker([{ match: { brand: 'huawei' }, pin: 'sms' }]);
    const plan = planOf('hms', 'fcm');
    expect(admitOwnChannels(engine, 'shop', device('huawei'), plan, BOTH, [])).toEqual({
      channels: ['sms'],
      skipped: [
        { channel: 'hms', reason: 'excluded by routing rule' },
        { channel: 'fcm', reason: 'excluded by routing rule' },
        { channel: 'longconn', reason: 'excluded by routing rule' },
      ],
    });
    expect(plan.steps).toEqual([]);
    const later = planOf('hms', 'fcm');
    expect(admitOwnChannels(engine, 'shop', device('huawei'), later, ['longconn'], ['sms']).channels).toEqual([]);
    expect(later.steps).toEqual([]);
  });
});

describe('buildPlan and a pinned provider', () => {
  const provider = { payloadBytes: () => 10, maxPayloadBytes: 4096 } as unknown as Provider;
  const providers = new Map<ProviderName, Provider>([['hms', provider], ['fcm', provider]]);
  const notification = { app: 'shop', id: 'n1' } as NotificationRecord;
  const message = { notificationId: 'n1', data: {} } as never;

  it('plans only the pinned provider, and none after it was tried (the pin holds through escalation)', () => {
    const engine = ranker([{ match: { brand: 'huawei' }, pin: 'hms' }]);
    expect(buildPlan(providers, engine, notification, message, device('huawei')).steps.map((s) => s.channel)).toEqual(['hms']);
    const after = buildPlan(providers, engine, notification, message, device('huawei'), ['hms']);
    expect(after.steps).toEqual([]);
    expect(after.skipped).toEqual([{ channel: 'fcm', reason: 'excluded by routing rule' }]);
  });

  it('moves on as usual where nothing is pinned, or the pin is on a channel never tried', () => {
    const unpinned = ranker([{ match: { brand: 'huawei' }, prefer: ['hms'] }]);
    expect(buildPlan(providers, unpinned, notification, message, device('huawei'), ['hms']).steps.map((s) => s.channel)).toEqual(['fcm']);
    const stale = ranker([{ match: { brand: 'huawei' }, pin: 'xiaomi' }]);
    expect(buildPlan(providers, stale, notification, message, device('huawei'), ['hms']).steps.map((s) => s.channel)).toEqual(['fcm']);
  });
});
