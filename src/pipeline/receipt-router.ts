/**
 * Providers' delivery receipts turned into what they mean for a delivery: "delivered" is an ack from
 * that channel (source = the provider), "the token is dead" cleans the registry. Receipts arrive by
 * webhook (Huawei, Xiaomi, OPPO, vivo, Twilio: verified and parsed in providers/receipts) or by
 * polling (JPush's report API, for sends this instance made).
 */
import { JPushReceiptPoller, readJPushSettings } from '../../providers/jpush/index.js';
import type { ProviderName } from '../../providers/provider.js';
import type { ReceiptEvent } from '../../providers/receipts/index.js';
import type { GatewayConfig } from '../config/index.js';
import type { GatewayMetrics } from '../metrics/index.js';
import type { Stores } from '../store/ports.js';
import type { DeviceRecord } from '../store/records.js';
import type { AckService } from './ack-service.js';
import type { AcceptedSend, InvalidTokenEvent } from './delivery-runner.js';
import { SMS_CHANNEL } from './sms-channel.js';

export interface ReceiptOutcome {
  acked: number;
  invalidTokens: number;
  ignored: number;
}

export interface ReceiptRouterDeps {
  config: GatewayConfig;
  stores: Stores;
  acks: AckService;
  metrics: GatewayMetrics;
  logger: { warn(obj: object, msg: string): void };
  onInvalidToken?: (event: InvalidTokenEvent) => void;
  now?: () => number;
}

/** Sends remembered for receipts that carry only the provider's message id (bounded, oldest out). */
const MAX_REMEMBERED = 200_000;

/**
 * The channels that send receipts (the receipt routes' makers, JPush's poller, SMS): only their sends
 * are remembered. APNs, FCM, Web Push and Honor send none, and remembering each of their pushes would
 * keep up to MAX_REMEMBERED live objects for the garbage collector to walk, for nothing.
 */
const CHANNELS_WITH_RECEIPTS: ReadonlySet<string> = new Set(['hms', 'xiaomi', 'oppo', 'vivo', 'jpush', SMS_CHANNEL]);

export class ReceiptRouter {
  private readonly pollers = new Map<string, JPushReceiptPoller>();
  /** `<app>|<providerMessageId>|<token>` → the delivery it was. */
  private readonly sends = new Map<string, { notificationId: string; deviceId: string }>();
  private readonly now: () => number;

  constructor(private readonly deps: ReceiptRouterDeps) {
    this.now = deps.now ?? Date.now;
    for (const [appId, app] of Object.entries(deps.config.apps)) {
      const jpush = app.providers.jpush;
      if (!jpush || jpush.sandbox) continue;
      const { sandbox: _omit, ...options } = jpush;
      const settings = readJPushSettings(options, `apps.${appId}.providers.jpush`);
      this.pollers.set(appId, new JPushReceiptPoller({
        settings,
        onDelivered: ({ msgId, registrationId, deliveredAt }) =>
          void this.handle(appId, 'jpush', [{ provider: 'jpush', providerMessageId: msgId, token: registrationId, status: 'delivered', at: deliveredAt }]),
        onInvalidToken: ({ msgId, registrationId }) =>
          void this.handle(appId, 'jpush', [{ provider: 'jpush', providerMessageId: msgId, token: registrationId, status: 'invalid-token' }]),
        onError: (error) => deps.logger.warn({ app: appId, err: error.message }, 'JPush report API failed; will poll again'),
      }));
    }
  }

  start(): void {
    for (const poller of this.pollers.values()) poller.start();
  }

  /** The runner's hook: remember sends whose receipts will name only the provider's message id. */
  accepted(send: AcceptedSend): void {
    if (!send.providerMessageId || !send.token || !CHANNELS_WITH_RECEIPTS.has(send.channel)) return;
    const poller = send.channel === 'jpush' ? this.pollers.get(send.app) : undefined;
    if (poller) poller.track(send.providerMessageId, [send.token]);
    if (this.sends.size >= MAX_REMEMBERED) {
      const oldest = this.sends.keys().next().value;
      if (oldest !== undefined) this.sends.delete(oldest);
    }
    this.sends.set(`${send.app}|${send.providerMessageId}|${send.token}`, { notificationId: send.notificationId, deviceId: send.deviceId });
  }

  /** How many sends are remembered for their receipts (bounded by MAX_REMEMBERED). */
  get rememberedSends(): number {
    return this.sends.size;
  }

  /** Applies verified receipt events of one provider to the deliveries they are about. */
  async handle(app: string, provider: string, events: readonly ReceiptEvent[]): Promise<ReceiptOutcome> {
    const outcome: ReceiptOutcome = { acked: 0, invalidTokens: 0, ignored: 0 };
    const channel = provider === 'twilio' ? SMS_CHANNEL : provider;
    for (const event of events) {
      const target = await this.resolve(app, channel, event);
      if (!target) {
        outcome.ignored += 1;
        continue;
      }
      if (event.status === 'delivered') {
        const result = await this.deps.acks.ack({ app, notificationId: target.notificationId, deviceId: target.device.id, source: provider, channel, at: event.at ?? this.now() });
        if (result === 'delivered' || result === 'late') outcome.acked += 1;
        else outcome.ignored += 1;
      } else if (event.status === 'invalid-token' && event.token && channel !== SMS_CHANNEL) {
        const removed = await this.deps.stores.devices.removeToken(app, target.device.id, channel, event.token);
        if (removed) {
          outcome.invalidTokens += 1;
          this.deps.metrics.invalidToken(app, channel);
          this.deps.onInvalidToken?.({ app, deviceId: target.device.id, provider: channel as ProviderName, token: event.token, reason: `${provider} receipt`, at: event.at ?? this.now() });
        } else outcome.ignored += 1;
      } else outcome.ignored += 1;
    }
    return outcome;
  }

  /** Which delivery a receipt is about: by the notification id it carries, else by the send we remember. */
  private async resolve(app: string, channel: string, event: ReceiptEvent): Promise<{ notificationId: string; device: DeviceRecord } | undefined> {
    const address = channel === SMS_CHANNEL ? event.phone : event.token;
    const remembered = event.providerMessageId && address ? this.sends.get(`${app}|${event.providerMessageId}|${address}`) : undefined;
    const notificationId = event.notificationId ?? remembered?.notificationId;
    if (!notificationId) return undefined;
    const notification = await this.deps.stores.notifications.get(app, notificationId);
    if (!notification) return undefined;
    const candidates = remembered ? [remembered.deviceId] : notification.deviceIds;
    // Recipients are checked in slices: a broadcast's receipt should not load every device at once.
    for (let i = 0; i < candidates.length; i += 500) {
      const devices = await this.deps.stores.devices.getMany(app, candidates.slice(i, i + 500));
      const match = devices.find((d) => d && (channel === SMS_CHANNEL ? d.phone === address : address === undefined ? candidates.length === 1 : d.tokens[channel as ProviderName] === address));
      if (match) return { notificationId, device: match };
    }
    // The token was removed meanwhile (or a re-registration replaced it): a device remembered by the send still counts.
    if (remembered) {
      const device = await this.deps.stores.devices.get(app, remembered.deviceId);
      if (device) return { notificationId, device };
    }
    return undefined;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.pollers.values()].map((p) => p.stop()));
  }
}
