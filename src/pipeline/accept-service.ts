/**
 * Step 1 of a notification's life: validate what the schema cannot, resolve recipients to devices,
 * check the payload fits a configured channel, and store the notification with its jobs in one
 * atomic step. Nothing is answered 202 that is not stored.
 */
import { randomUUID } from 'node:crypto';
import type { GatewayConfig } from '../config/index.js';
import { RequestError } from '../errors/index.js';
import type { GatewayMetrics } from '../metrics/index.js';
import type { Stores } from '../store/ports.js';
import type { NotificationContent, NotificationRecord } from '../store/records.js';
import { toPushMessage } from './planner.js';
import type { ProviderRegistry } from './provider-registry.js';

/** The request, as the HTTP schema validated it. */
export interface NotificationRequest extends Partial<Omit<NotificationContent, 'data'>> {
  to: { deviceIds?: string[]; userIds?: string[] };
  data?: Record<string, string>;
  idempotencyKey?: string;
}

export interface AcceptAnswer {
  id: string;
  recipients: number;
  duplicate?: boolean;
  unknownDeviceIds?: string[];
}

/** A notification with ttl 0 is "now or never" at the provider; the gateway still needs time to send it. */
const MIN_PROCESSING_WINDOW_MS = 30_000;

export class AcceptService {
  constructor(
    private readonly config: GatewayConfig,
    private readonly stores: Stores,
    private readonly registry: ProviderRegistry,
    private readonly metrics: GatewayMetrics,
    private readonly now: () => number = Date.now,
  ) {}

  async accept(app: string, request: NotificationRequest): Promise<AcceptAnswer> {
    const appConfig = this.config.apps[app];
    if (!appConfig) throw new RequestError('app_not_found', `No app "${app}"`);
    if (!request.title && !request.body && (!request.data || Object.keys(request.data).length === 0)) {
      throw new RequestError('invalid_request', 'A notification needs a title, a body or data');
    }
    // Devices named directly need no lookup: no promise round for the common send.
    const resolving = this.candidates(app, request.to);
    const candidates = Array.isArray(resolving) ? resolving : await resolving;

    const createdAt = this.now();
    const ttlSeconds = request.ttlSeconds ?? appConfig.defaults.ttlSeconds;
    const notification: NotificationRecord = {
      id: randomUUID(),
      app,
      deviceIds: candidates,
      title: request.title,
      body: request.body,
      data: request.data ?? {},
      priority: request.priority ?? 'normal',
      ttlSeconds,
      collapseKey: request.collapseKey,
      ackDeadlineMs: request.ackDeadlineMs,
      channels: request.channels,
      sms: request.sms,
      createdAt,
      expiresAt: createdAt + Math.max(ttlSeconds * 1000, ttlSeconds === 0 ? MIN_PROCESSING_WINDOW_MS : 0),
      idempotencyKey: request.idempotencyKey,
    };
    this.checkPayloadFits(app, notification);

    // Registration is checked inside the store's atomic accept: one round trip for the common case.
    const result = await this.stores.notifications.accept(notification, this.config.pipeline);
    switch (result.status) {
      case 'duplicate':
        return { id: result.id, recipients: result.recipients, duplicate: true };
      case 'no-recipients':
        throw new RequestError('device_not_found', 'None of the recipients is a registered device', { unknownDeviceIds: result.unknown.slice(0, 100) });
      case 'stored':
        this.metrics.accepted(app, result.recipients);
        return result.unknown.length > 0
          ? { id: result.id, recipients: result.recipients, unknownDeviceIds: result.unknown }
          : { id: result.id, recipients: result.recipients };
    }
  }

  /** Device ids named directly plus those of the users named, deduplicated, not yet checked. */
  private candidates(app: string, to: NotificationRequest['to']): string[] | Promise<string[]> {
    const deviceIds = to.deviceIds ?? [];
    if (!to.userIds || to.userIds.length === 0) {
      if (deviceIds.length === 0) throw new RequestError('invalid_request', '`to` needs at least one of deviceIds or userIds');
      // The common single-recipient send needs no dedup set.
      return deviceIds.length === 1 ? deviceIds : [...new Set(deviceIds)];
    }
    return this.withUsersDevices(app, deviceIds, [...new Set(to.userIds)]);
  }

  private async withUsersDevices(app: string, deviceIds: string[], userIds: string[]): Promise<string[]> {
    const byUser = await Promise.all(userIds.map((userId) => this.stores.devices.idsByUser(app, userId)));
    const all = new Set(deviceIds);
    for (const ids of byUser) for (const id of ids) all.add(id);
    if (all.size === 0) {
      throw new RequestError('unprocessable', 'The users named have no registered devices', { userIds: userIds.slice(0, 100) });
    }
    return [...all];
  }

  private checkPayloadFits(app: string, notification: NotificationRecord): void {
    const providers = this.registry.forApp(app);
    if (providers.size === 0) throw new RequestError('no_channel', `App "${app}" has no providers configured`);
    const message = toPushMessage(notification);
    // Fits once one channel can carry it; the sizes are only gathered for the refusal.
    for (const provider of providers.values()) {
      if (provider.payloadBytes(message) <= provider.maxPayloadBytes) return;
    }
    const sizes: Record<string, { bytes: number; limit: number }> = {};
    for (const [name, provider] of providers) sizes[name] = { bytes: provider.payloadBytes(message), limit: provider.maxPayloadBytes };
    throw new RequestError('payload_too_large', 'No configured channel can carry this payload', sizes);
  }
}
