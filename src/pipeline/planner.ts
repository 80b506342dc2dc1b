/**
 * Builds a device's delivery plan: the app's providers ∩ the device's tokens ∩ the notification's
 * channel filters ∩ channels the payload fits ∩ providers currently available, ranked by the Ranker.
 * Every channel left out is reported with its reason for the timeline.
 */
import type { Provider, ProviderName, PushMessage } from '../../providers/provider.js';
import type { DeviceRecord, NotificationRecord } from '../store/records.js';
import { LONG_CONNECTION_CHANNEL } from './long-connection.js';
import type { Ranker } from './ranker.js';
import { SMS_CHANNEL } from './sms-channel.js';

export interface PlanStep {
  channel: ProviderName;
  provider: Provider;
  token: string;
}

export interface Plan {
  steps: PlanStep[];
  /** The `rank` answer the steps come from (provider names, in order). */
  ranked: readonly string[];
  skipped: { channel: string; reason: string }[];
}

/** The skip reason of a channel a device-type rule leaves out (the timeline shows it). */
export const RULE_EXCLUDED = 'excluded by routing rule';

export function buildPlan(
  providers: ReadonlyMap<ProviderName, Provider>,
  ranker: Ranker,
  notification: NotificationRecord,
  message: PushMessage,
  device: DeviceRecord,
  /** Channels already tried for this delivery: left out of the plan. */
  attempted: readonly string[] = [],
): Plan {
  const skipped: Plan['skipped'] = [];
  const eligible: ProviderName[] = [];
  const allow = notification.channels?.allow;
  const deny = notification.channels?.deny;
  for (const [name, provider] of providers) {
    if (!device.tokens[name]) continue; // the device cannot be reached there at all: not worth a line
    if (attempted.includes(name)) continue;
    if (allow && !allow.includes(name)) skipped.push({ channel: name, reason: 'not in channels.allow' });
    else if (deny?.includes(name)) skipped.push({ channel: name, reason: 'in channels.deny' });
    else if (provider.payloadBytes(message) > provider.maxPayloadBytes) skipped.push({ channel: name, reason: 'payload too large for channel' });
    else if (provider.isAvailable && !provider.isAvailable()) skipped.push({ channel: name, reason: 'provider unavailable (circuit open)' });
    else eligible.push(name);
  }
  const cls = { platform: device.platform, brand: device.brand, model: device.model };
  // A pin holds through escalation: once its channel was tried, "only MiPush for these models" must
  // not move on to other providers (rank alone would see a stale pin, since tried channels are gone).
  const pin = attempted.length > 0 ? ranker.effectiveRule(notification.app, cls)?.pin : undefined;
  if (pin !== undefined && attempted.includes(pin)) {
    for (const name of eligible) skipped.push({ channel: name, reason: RULE_EXCLUDED });
    return { steps: [], ranked: [], skipped };
  }
  const ranked = ranker.rank(notification.app, cls, eligible);
  for (const name of eligible) if (!ranked.includes(name)) skipped.push({ channel: name, reason: RULE_EXCLUDED });
  const steps: PlanStep[] = [];
  for (const name of ranked) {
    const provider = providers.get(name as ProviderName);
    const token = device.tokens[name as ProviderName];
    if (provider && token) steps.push({ channel: name as ProviderName, provider, token });
  }
  return { steps, ranked, skipped };
}

/**
 * The device-type rule on pushmux's own channels (long connection, SMS), which `rank` never sees:
 * only a rule naming them moves them (scoring/rules.ts `applyRuleToOwnChannels`). `candidates`: the own
 * channels this plan could add (every other check passed); `attempted`: the channels already tried, so
 * a pin on an own channel tried earlier stays in force when the plan moves on. Answers the candidates
 * the rule lets in and the channels it leaves out; when the rule pins an own channel, the plan's
 * provider steps are dropped (and reported among `skipped`).
 */
export function admitOwnChannels(
  ranker: Ranker, app: string, device: DeviceRecord, plan: Plan, candidates: readonly string[], attempted: readonly string[],
): { channels: readonly string[]; skipped: readonly Plan['skipped'][number][] } {
  let own = candidates;
  for (const channel of attempted) if (channel === LONG_CONNECTION_CHANNEL || channel === SMS_CHANNEL) own = [...own, channel];
  if (own.length === 0) return { channels: candidates, skipped: NONE_SKIPPED };
  const cls = { platform: device.platform, brand: device.brand, model: device.model };
  const { admitted, pinned } = ranker.ownChannels(app, cls, own);
  if (!pinned && admitted === own) return { channels: candidates, skipped: NONE_SKIPPED };
  const skipped: Plan['skipped'] = [];
  if (pinned) {
    for (const step of plan.steps) skipped.push({ channel: step.channel, reason: RULE_EXCLUDED });
    plan.steps.length = 0;
  }
  const channels: string[] = [];
  for (const channel of candidates) {
    if (admitted.includes(channel)) channels.push(channel);
    else skipped.push({ channel, reason: RULE_EXCLUDED });
  }
  return { channels, skipped };
}

const NONE_SKIPPED: readonly Plan['skipped'][number][] = [];

/**
 * Where pushmux's own steps (the long connection, then SMS) go among a plan's provider steps. Without
 * SMS they follow every provider, as before. With SMS the scores place the text, which costs money:
 * after the providers expected to do at least as well as it, ahead of those expected to do worse (a
 * hopeless provider must not hold an urgent text back for a whole ack deadline). The free long
 * connection stays just ahead of the text, so a device online on it never costs a message.
 */
export function ownStepsIndex(ranker: Ranker, app: string, device: DeviceRecord, steps: readonly PlanStep[], smsChannel: string | undefined): number {
  if (smsChannel === undefined || steps.length === 0) return steps.length;
  const cls = { platform: device.platform, brand: device.brand, model: device.model };
  return ranker.lastResortIndex(app, cls, steps.map((s) => s.channel), smsChannel);
}

/** What the providers carry for a notification. */
export function toPushMessage(notification: NotificationRecord): PushMessage {
  return {
    notificationId: notification.id,
    appId: notification.app,
    title: notification.title,
    body: notification.body,
    data: notification.data,
    priority: notification.priority,
    ttlSeconds: notification.ttlSeconds,
    expiresAt: notification.expiresAt,
    collapseKey: notification.collapseKey,
  };
}
