/**
 * Per-device-type routing rules: matching and precedence.
 *
 * Matching: each `match` field (platform, brand, model) is compared case-insensitively with `*` as a
 * wildcard for any run of characters; an absent field or a bare `*` matches anything, including a class
 * that does not carry that field. A pattern other than `*` never matches a missing field.
 *
 * Merging (several rules match one class): rules are applied from the least to the most specific, and
 * among equally specific rules in config order, so a later rule overrides an earlier one. Specificity is
 * decided model first, then brand, then platform; per field an exact value beats a pattern with `*`,
 * which beats no constraint. Scalar and list fields (prefer, pin, allow, deadlineMs, policy, exploration)
 * are replaced by the more specific rule. `deny` accumulates (union) so a broad safety rule ("never fcm
 * on huawei") survives narrower rules, except that a more specific rule that names a provider in its own
 * `allow` or `pin` lifts the broader deny for it: that is how a model exception re-enables a channel its
 * brand denies. Within one rule, its own deny wins over its own allow/pin.
 *
 * Precedence when ranking (`applyRule`): deny > pin > allow > prefer > policy.
 *  - deny first: a denied provider is never returned, whatever else says (it is the safety valve).
 *  - pin next: when the pinned provider is eligible and not denied, it is the only provider returned;
 *    a pin is an operator's override and is not narrowed by an allow list. When it is not eligible the
 *    pin is ignored, so a stale pin never leaves a device with nothing.
 *  - allow narrows what the policy may rank.
 *  - prefer puts the listed providers (those still in the set) first, in the listed order.
 *  - the policy ranks the rest from the measured scores.
 *
 * pushmux's own channels (the long connection `longconn` and `sms`) are never ranked by the policy: their
 * place in a plan is fixed (the long connection after the providers, SMS where its expected utility puts
 * it; see last-resort.ts). The rule still decides whether they are in the plan at all
 * (`applyRuleToOwnChannels`), but only by naming them: `deny: [sms]` leaves the text out, `pin: sms`
 * leaves every provider out. `allow` lists and provider pins choose among push providers and leave the
 * fallbacks alone: a rule written as "only MiPush for these models" must not silently stop the urgent
 * texts and the long connection behind it. `prefer`, `policy` and `exploration` never move them.
 */
import type { NormalizedClass } from './device-class.js';
import type { RoutingRule } from './types.js';

/** A rule with its patterns compiled, its specificity and its position in the config. */
interface CompiledRule {
  rule: RoutingRule;
  platform: Matcher;
  brand: Matcher;
  model: Matcher;
  specificity: number;
  index: number;
}

type Matcher = (value: string | undefined) => boolean;

/** The merged rule for one class, with deny as a set for fast filtering. */
export interface EffectiveRule {
  rule: RoutingRule;
  deny: ReadonlySet<string>;
  allow?: ReadonlySet<string>;
}

function compilePattern(pattern: string | undefined): { matcher: Matcher; weight: number } {
  const p = pattern?.trim().replace(/\s+/g, ' ').toLowerCase();
  if (p === undefined || p === '' || p === '*') return { matcher: () => true, weight: 0 };
  if (!p.includes('*')) return { matcher: (v) => v === p, weight: 2 };
  const source = p
    .split('*')
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const re = new RegExp(`^${source}$`);
  return { matcher: (v) => v !== undefined && re.test(v), weight: 1 };
}

/** Compiles an app's rules once; matching a class is then a few string compares. */
export function compileRules(rules: readonly RoutingRule[]): CompiledRule[] {
  return rules.map((rule, index) => {
    const platform = compilePattern(rule.match.platform);
    const brand = compilePattern(rule.match.brand);
    const model = compilePattern(rule.match.model);
    return {
      rule,
      platform: platform.matcher,
      brand: brand.matcher,
      model: model.matcher,
      specificity: model.weight * 9 + brand.weight * 3 + platform.weight,
      index,
    };
  });
}

/** Merges the rules matching `cls` per the precedence above; undefined when none matches. */
export function mergeRules(compiled: readonly CompiledRule[], cls: NormalizedClass): EffectiveRule | undefined {
  const matching = compiled
    .filter((c) => c.platform(cls.platform) && c.brand(cls.brand) && c.model(cls.model))
    .sort((a, b) => a.specificity - b.specificity || a.index - b.index);
  if (matching.length === 0) return undefined;
  const match: RoutingRule['match'] = { platform: cls.platform };
  if (cls.brand !== undefined) match.brand = cls.brand;
  if (cls.model !== undefined) match.model = cls.model;
  const merged: RoutingRule = { match };
  const deny = new Set<string>();
  for (const { rule } of matching) {
    if (rule.prefer !== undefined) merged.prefer = rule.prefer.map((p) => p.toLowerCase());
    if (rule.allow !== undefined) merged.allow = rule.allow.map((p) => p.toLowerCase());
    if (rule.pin !== undefined) merged.pin = rule.pin.toLowerCase();
    if (rule.deadlineMs !== undefined) merged.deadlineMs = rule.deadlineMs;
    if (rule.policy !== undefined) merged.policy = rule.policy;
    if (rule.exploration !== undefined) merged.exploration = rule.exploration;
    // A narrower allow/pin lifts broader denies for the providers it names; its own deny then applies.
    for (const p of rule.allow ?? []) deny.delete(p.toLowerCase());
    if (rule.pin !== undefined) deny.delete(rule.pin.toLowerCase());
    for (const p of rule.deny ?? []) deny.add(p.toLowerCase());
  }
  if (deny.size > 0) merged.deny = [...deny];
  const out: EffectiveRule = { rule: merged, deny };
  if (merged.allow !== undefined) out.allow = new Set(merged.allow);
  return out;
}

/**
 * Applies deny > pin > allow > prefer to the eligible providers. Returns the providers placed first by
 * the rule (`head`, final order) and those left for the policy to rank (`rest`); `pinned` means the
 * head is the whole answer.
 */
export function applyRule(
  effective: EffectiveRule | undefined,
  eligible: readonly string[],
): { head: string[]; rest: string[]; pinned: boolean } {
  if (effective === undefined) return { head: [], rest: eligible.slice(), pinned: false };
  const { rule, deny, allow } = effective;
  const open = deny.size === 0 ? eligible.slice() : eligible.filter((p) => !deny.has(p));
  if (rule.pin !== undefined && open.includes(rule.pin)) return { head: [rule.pin], rest: [], pinned: true };
  const allowed = allow === undefined ? open : open.filter((p) => allow.has(p));
  if (rule.prefer === undefined || rule.prefer.length === 0) return { head: [], rest: allowed, pinned: false };
  const head = rule.prefer.filter((p, i, list) => allowed.includes(p) && list.indexOf(p) === i);
  return { head, rest: allowed.filter((p) => !head.includes(p)), pinned: false };
}

/**
 * The rule applied to pushmux's own channels (`longconn`, `sms`), which the policy never ranks.
 * `own`: the own channels this delivery could use or has used. Returns the own channels the rule lets
 * into the plan and whether a pin on one of them is in force, which leaves every provider out.
 *
 * Only a rule that names them moves them: a denied channel is out (after merging, where a more specific
 * allow or pin naming it lifts a broader deny); a pin on one of `own`, not denied, admits only it (a
 * pin on a channel this delivery cannot use is ignored, as in `applyRule`). An allow list or a pin on a
 * provider restricts the providers, not these fallbacks.
 */
export function applyRuleToOwnChannels(effective: EffectiveRule | undefined, own: readonly string[]): { admitted: readonly string[]; pinned: boolean } {
  if (effective === undefined) return { admitted: own, pinned: false };
  const { rule, deny } = effective;
  const open = deny.size === 0 ? own : own.filter((c) => !deny.has(c));
  if (rule.pin !== undefined && open.includes(rule.pin)) return { admitted: [rule.pin], pinned: true };
  return { admitted: open, pinned: false };
}
