import { describe, expect, it } from 'vitest';
import {
  MemoryScoringStore,
  applyRule,
  applyRuleToOwnChannels,
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

describe('rules on the own channels (longconn, sms): only a rule naming them moves them, never prefer', () => {
  const own = ['longconn', 'sms'];
  const onHuawei = (rules: RoutingRule[], cls: { platform: string; brand?: string; model?: string } = { platform: 'android', brand: 'huawei' }) =>
    applyRuleToOwnChannels(merged(rules, cls), own);

  it('admits both without a matching rule, and rules that only prefer or tune the policy leave them alone', () => {
    expect(applyRuleToOwnChannels(undefined, own)).toEqual({ admitted: own, pinned: false });
    expect(onHuawei([{ match: { brand: 'huawei' }, prefer: ['hms'], policy: 'greedy', exploration: 0, deadlineMs: 5000 }]))
      .toEqual({ admitted: own, pinned: false });
  });

  it('leaves out a denied channel, for the matching brand only', () => {
    const rules: RoutingRule[] = [{ match: { brand: 'huawei' }, deny: ['sms'] }];
    expect(onHuawei(rules)).toEqual({ admitted: ['longconn'], pinned: false });
    expect(onHuawei(rules, { platform: 'android', brand: 'samsung' })).toEqual({ admitted: own, pinned: false });
    expect(onHuawei([{ match: { brand: 'huawei' }, deny: ['longconn', 'sms'] }]).admitted).toEqual([]);
  });

  it('an allow list chooses among providers: the fallbacks stay unless denied', () => {
    expect(onHuawei([{ match: { brand: 'huawei' }, allow: ['hms', 'fcm'] }]).admitted).toEqual(own);
    expect(onHuawei([{ match: { brand: 'huawei' }, allow: ['hms', 'sms'] }]).admitted).toEqual(own);
    expect(onHuawei([{ match: { brand: 'huawei' }, allow: ['hms'], deny: ['sms'] }]).admitted).toEqual(['longconn']);
  });

  it('a pin on a provider keeps the fallbacks behind it ("only MiPush" must not stop urgent texts)', () => {
    expect(onHuawei([{ match: { brand: 'huawei' }, pin: 'hms' }])).toEqual({ admitted: own, pinned: false });
    expect(onHuawei([{ match: { brand: 'huawei' }, pin: 'xiaomi' }])).toEqual({ admitted: own, pinned: false });
    expect(onHuawei([{ match: { brand: 'huawei' }, pin: 'hms', deny: ['sms'] }]).admitted).toEqual(['longconn']);
  });

  it('a pin on an own channel admits only it and takes the plan from the providers, unless denied or unavailable', () => {
    expect(onHuawei([{ match: { brand: 'huawei' }, pin: 'sms' }])).toEqual({ admitted: ['sms'], pinned: true });
    expect(onHuawei([{ match: { brand: 'huawei' }, pin: 'longconn' }])).toEqual({ admitted: ['longconn'], pinned: true });
    expect(onHuawei([{ match: { brand: 'huawei' }, pin: 'sms', deny: ['sms'] }])).toEqual({ admitted: ['longconn'], pinned: false });
    // No text asked for (sms not among the own channels): the pin is stale, the rest of the rule holds.
    expect(applyRuleToOwnChannels(merged([{ match: { brand: 'huawei' }, pin: 'sms' }], { platform: 'android', brand: 'huawei' }), ['longconn']))
      .toEqual({ admitted: ['longconn'], pinned: false });
  });

  it('merges field by field: deny accumulates, a more specific allow or pin naming a channel lifts a broader deny, its own deny wins', () => {
    const rules: RoutingRule[] = [
      { match: { platform: 'android' }, deny: ['sms'] },
      { match: { brand: 'huawei', model: 'mate 20' }, allow: ['hms', 'sms', 'longconn'] },
      { match: { brand: 'huawei', model: 'p40' }, pin: 'sms' },
      { match: { brand: 'huawei', model: 'p50' }, allow: ['hms', 'sms', 'longconn'], deny: ['sms'] },
      { match: { brand: 'honor' }, allow: ['honor', 'sms'] },
      { match: { brand: 'honor', model: 'magic5' }, deny: ['sms'] },
    ];
    expect(onHuawei(rules, { platform: 'android', brand: 'huawei', model: 'nova' }).admitted).toEqual(['longconn']);
    expect(onHuawei(rules, { platform: 'android', brand: 'huawei', model: 'Mate 20' }).admitted).toEqual(own);
    expect(onHuawei(rules, { platform: 'android', brand: 'huawei', model: 'p40' })).toEqual({ admitted: ['sms'], pinned: true });
    expect(onHuawei(rules, { platform: 'android', brand: 'huawei', model: 'p50' }).admitted).toEqual(['longconn']);
    // The model's deny wins over its brand's allow; the allow alone leaves the long connection in.
    expect(onHuawei(rules, { platform: 'android', brand: 'honor', model: 'magic5' }).admitted).toEqual(['longconn']);
    expect(onHuawei(rules, { platform: 'android', brand: 'honor', model: 'magic4' }).admitted).toEqual(own);
    expect(onHuawei(rules, { platform: 'ios' }).admitted).toEqual(own);
  });

  it('holds in the engine, whatever the policy and exploration draw', () => {
    const engine = createScoringEngine({
      store: new MemoryScoringStore(),
      config: { rules: { shop: [{ match: { brand: 'huawei' }, deny: ['sms'], prefer: ['hms'], exploration: 1 }] } },
      clock: () => 0,
      random: () => 0.5,
    });
    expect(engine.ownChannels('shop', { platform: 'android', brand: 'Huawei' }, own)).toEqual({ admitted: ['longconn'], pinned: false });
    expect(engine.ownChannels('shop', { platform: 'android', brand: 'samsung' }, own)).toEqual({ admitted: own, pinned: false });
    expect(engine.ownChannels('other', { platform: 'android', brand: 'huawei' }, own)).toEqual({ admitted: own, pinned: false });
  });
});
