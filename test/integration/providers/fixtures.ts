import type { PushMessage, PushTarget } from '../../../providers/provider.js';

/** The order notification the provider tests send; `overrides` replace or add fields. */
export function orderMessage(overrides: Partial<PushMessage> = {}): PushMessage {
  return {
    notificationId: 'notif-7',
    appId: 'shop',
    title: '新订单',
    body: 'You have a new order',
    data: { orderId: '7' },
    priority: 'high',
    ttlSeconds: 3600,
    expiresAt: Date.now() + 7_200_000,
    ...overrides,
  };
}

/** A device whose push token is `token`. */
export function device(token: string, platform: PushTarget['platform'] = 'android'): PushTarget {
  return { deviceId: `dev-${token}`, token, platform };
}
