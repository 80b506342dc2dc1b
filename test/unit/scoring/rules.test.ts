import { describe, expect, it } from 'vitest';
import {
  MemoryScoringStore,
  applyRule,
  compileRules,
  createScoringEngine,
  mergeRules,
  normalizeClass,
  type RoutingRule,
} from '../../../scoring/index.js';

const merged = (rules: RoutingRule[], cls: { platform: string; brand?: string; model?: string }) =>
  mergeRules(compileRules(rules), normalizeClass(cls));

describe('rule matching', () => {
  it('matches case-insensitively with * wildcards; a pattern never matches a missing field', () => {
    const rules: RoutingRule[] = [{ match: { brand: 'XiaoMi', model: 'redmi *' }, pin: 'xiaomi' }];
    expect(merged(rules, { platform: 'android', brand: 'xiaomi', model: 'Redmi Note 12' })?.rule.pin).toBe('xiaomi');
    expect(merged(rules, { platform: 'android', brand: 'xiaomi', model: 'Mi 11' })).toBeUndefined();
    expect(merged(rules, { platform: 'android', brand: 'xiaomi' })).toBeUndefined();
    expect(merged([{ match: { brand: '*' }, deny: ['sms'] }], { platform: 'web' })?.deny.has('sms')).toBe(true);
  });

  it('lets the more specific rule override scalar fields, whatever the config order', () => {
    const rules: RoutingRule[] = [
      { match: { platform: 'android', brand: 'huawei', model: 'p40' }, deadlineMs: 5000, policy: 'greedy' },
      { match: { platform: 'android', brand: 'huawei' }, deadlineMs: 9000, prefer: ['hms'] },
      { match: { platform: 'android' }, deadlineMs: 30_000, exploration: 0.05 },
    ];
    const rule = merged(rules, { platform: 'android', brand: 'Huawei', model: 'P40' })?.rule;
    expect(rule).toMatchObject({ deadlineMs: 5000, policy: 'greedy', prefer: ['hms'], exploration: 0.05 });
    expect(rule?.match).toEqual({ platform: 'android', brand: 'huawei', model: 'p40' });
  });

  it('ranks an exact value above a wildcard pattern, and a later rule above an equal earlier one', () => {
    const rules: RoutingRule[] = [
      { match: { brand: 'huawei' }, deadlineMs: 1 },
      { match: { brand: 'hua*' }, deadlineMs: 2 },
      { match: { model: 'p*' }, deadlineMs: 3 },
      { match: { model: 'p*' }, deadlineMs: 4 },
    ];
    expect(merged(rules, { platform: 'android', brand: 'huawei' })?.rule.deadlineMs).toBe(1);
    expect(merged(rules, { platform: 'android', brand: 'huawei', model: 'p40' })?.rule.deadlineMs).toBe(4);
  });

  it('accumulates deny, unless a more specific rule allows or pins the provider again', () => {
    const rules: RoutingRule[] = [
      { match: { platform: 'android' }, deny: ['sms'] },
      { match: { brand: 'huawei' }, deny: ['fcm'] },
      { match: { brand: 'huawei', model: 'mate 20' }, allow: ['fcm', 'hms'] },
    ];
    expect([...merged(rules, { platform: 'android', brand: 'huawei', model: 'p40' })!.deny].sort()).toEqual(['fcm', 'sms']);
    expect([...merged(rules, { platform: 'android', brand: 'huawei', model: 'Mate 20' })!.deny]).toEqual(['sms']);
  });
});

describe('rule precedence: deny > pin > allow > prefer > policy', () => {
  const eligible = ['fcm', 'jpush', 'hms', 'sms'];
  const apply = (rule: Omit<RoutingRule, 'match'>) => applyRule(merged([{ match: {}, ...rule }], { platform: 'android' }), eligible);

  it('deny beats pin', () => {
    expect(apply({ pin: 'hms', deny: ['hms'] })).toEqual({ head: [], rest: ['fcm', 'jpush', 'sms'], pinned: false });
  });
  it('pin returns only the pinned provider, even outside allow', () => {
    expect(apply({ pin: 'hms', allow: ['fcm'] })).toEqual({ head: ['hms'], rest: [], pinned: true });
  });
  it('a pin that is not eligible is ignored', () => {
    expect(apply({ pin: 'xiaomi', allow: ['fcm', 'jpush'] })).toEqual({ head: [], rest: ['fcm', 'jpush'], pinned: false });
  });
  it('allow narrows before prefer, prefer keeps its order', () => {
    expect(apply({ allow: ['fcm', 'jpush', 'hms'], prefer: ['sms', 'hms', 'jpush'] })).toEqual({
      head: ['hms', 'jpush'],
      rest: ['fcm'],
      pinned: false,
    });
  });

  it('holds end to end in rank, with the policy ranking what is left', () => {
    const engine = createScoringEngine({
      store: new MemoryScoringStore(),
      config: {
        rules: {
          shop: [
            { match: { platform: 'android' }, deny: ['sms'] },
            { match: { brand: 'huawei' }, prefer: ['hms'] },
            { match: { brand: 'honor' }, pin: 'honor' },
          ],
        },
      },
      clock: () => 0,
      random: () => 0.5,
    });
    for (let i = 0; i < 50; i++) {
      engine.record('shop', { platform: 'android', brand: 'huawei' }, 'jpush', { delivered: true });
      engine.record('shop', { platform: 'android', brand: 'huawei' }, 'fcm', { delivered: false });
    }
    expect(engine.rank('shop', { platform: 'android', brand: 'Huawei', model: 'p40' }, eligible)).toEqual(['hms', 'jpush', 'fcm']);
    expect(engine.rank('shop', { platform: 'android', brand: 'honor' }, [...eligible, 'honor'])).toEqual(['honor']);
    expect(engine.rank('other', { platform: 'android' }, ['sms'])).toEqual(['sms']);
    expect(engine.effectiveRule('shop', { platform: 'android', brand: 'huawei' })).toMatchObject({ prefer: ['hms'], deny: ['sms'] });
    expect(engine.effectiveRule('shop', { platform: 'ios' })).toBeUndefined();
  });
});
