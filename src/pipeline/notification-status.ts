/**
 * A notification's overall status and per-device timelines, derived from its delivery records (a
 * recipient no worker has touched yet is `queued`).
 */
import type { DeliveryRecord, DeliveryStatus, NotificationRecord, TimelineEvent } from '../store/records.js';

export type StatusCounts = Record<DeliveryStatus, number>;

export interface DeviceTimeline {
  deviceId: string;
  status: DeliveryStatus;
  channel?: string;
  events: (Omit<TimelineEvent, 'at'> & { at: string })[];
}

export interface NotificationStatusView {
  id: string;
  status: DeliveryStatus;
  createdAt: string;
  expiresAt: string;
  recipients: number;
  counts: StatusCounts;
  devices: DeviceTimeline[];
  nextCursor?: number;
}

/**
 * The overall status is the least advanced one: queued until a device is touched, sending while any
 * is in flight; once all are final, the best outcome any device reached (delivered, then sent),
 * else failed, else expired.
 */
export function overallStatus(counts: StatusCounts, recipients: number): DeliveryStatus {
  if (counts.queued === recipients) return 'queued';
  if (counts.queued > 0 || counts.sending > 0) return 'sending';
  if (counts.delivered === recipients) return 'delivered';
  if (counts.sent > 0 || counts.delivered > 0) return 'sent';
  if (counts.failed > 0) return 'failed';
  return 'expired';
}

export function notificationStatus(
  notification: NotificationRecord,
  deliveries: ReadonlyMap<string, DeliveryRecord>,
  page: { cursor: number; limit: number },
): NotificationStatusView {
  const counts: StatusCounts = { queued: 0, sending: 0, sent: 0, delivered: 0, failed: 0, expired: 0 };
  for (const deviceId of notification.deviceIds) counts[deliveries.get(deviceId)?.status ?? 'queued'] += 1;
  const slice = notification.deviceIds.slice(page.cursor, page.cursor + page.limit);
  const devices = slice.map((deviceId): DeviceTimeline => {
    const record = deliveries.get(deviceId);
    return {
      deviceId,
      status: record?.status ?? 'queued',
      channel: record?.channel,
      events: (record?.events ?? []).map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
    };
  });
  const next = page.cursor + page.limit;
  return {
    id: notification.id,
    status: overallStatus(counts, notification.deviceIds.length),
    createdAt: new Date(notification.createdAt).toISOString(),
    expiresAt: new Date(notification.expiresAt).toISOString(),
    recipients: notification.deviceIds.length,
    counts,
    devices,
    ...(next < notification.deviceIds.length ? { nextCursor: next } : {}),
  };
}
