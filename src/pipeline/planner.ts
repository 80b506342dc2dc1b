/**
 * Builds a device's delivery plan: the app's providers ∩ the device's tokens ∩ the notification's
 * channel filters ∩ channels the payload fits ∩ providers currently available, ranked by the Ranker.
 * Every channel left out is reported with its reason for the timeline.
 */
import type { Provider, ProviderName, PushMessage } from '../../providers/provider.js';
import type { DeviceRecord, NotificationRecord } from '../store/records.js';
import type { Ranker } from './ranker.js';

export interface PlanStep {
  channel: ProviderName;
  provider: Provider;
  token: string;
}

export interface Plan {
  steps: PlanStep[];
  skipped: { channel: string; reason: string }[];
}

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
  const ranked = ranker.rank(notification.app, cls, eligible);
  for (const name of eligible) if (!ranked.includes(name)) skipped.push({ channel: name, reason: 'excluded by routing rule' });
  const steps: PlanStep[] = [];
  for (const name of ranked) {
    const provider = providers.get(name as ProviderName);
    const token = device.tokens[name as ProviderName];
    if (provider && token) steps.push({ channel: name as ProviderName, provider, token });
  }
  return { steps, skipped };
}

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
