/**
 * The device-type rule on pushmux's own channels in a plan (`admitOwnChannels`): deny, allow and pin
 * take the long connection and SMS out (reported like rule-excluded providers), a pin on one of them
 * takes the providers out, and a pin already tried stays in force when the plan moves on.
 */
import { describe, expect, it } from 'vitest';
import type { Provider, ProviderName } from '../../../providers/provider.js';
import { createScoringEngine, MemoryScoringStore, type RoutingRule } from '../../../scoring/index.js';
import { admitOwnChannels, type Plan } from '../../../src/pipeline/planner.js';
import type { DeviceRecord } from '../../../src/store/records.js';

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

  it('keeps both out while a provider pin holds, also once the pinned provider was tried', () => {
    const engine = ranker([{ match: { brand: 'huawei' }, pin: 'hms' }]);
    expect(admitOwnChannels(engine, 'shop', device('huawei'), planOf('hms'), BOTH, []).channels).toEqual([]);
    // Escalating after hms: the plan's providers no longer include it, the pin still holds.
    expect(admitOwnChannels(engine, 'shop', device('huawei'), planOf('fcm'), BOTH, ['hms']).channels).toEqual([]);
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
