import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../../src/config/index.js';
import type { GatewayMetrics } from '../../../src/metrics/index.js';
import { ReceiptRouter, type AckService } from '../../../src/pipeline/index.js';
import type { Stores } from '../../../src/store/ports.js';
import { emptyEnv, testConfigObject } from '../../support/gateway.js';

describe('receipt router', () => {
  it('remembers only the sends of channels that send receipts', () => {
    const { config } = buildConfig(testConfigObject(), emptyEnv);
    // Remembering touches none of these: a send is only put in a bounded map.
    const router = new ReceiptRouter({ config, stores: {} as Stores, acks: {} as AckService, metrics: {} as GatewayMetrics, logger: { warn: () => undefined } });
    const send = { app: 'shop', notificationId: 'n1', deviceId: 'd1', providerMessageId: 'm1', token: 't1' };
    for (const channel of ['apns', 'fcm', 'webpush', 'honor', 'longconn']) router.accepted({ ...send, channel });
    expect(router.rememberedSends).toBe(0);
    for (const channel of ['hms', 'xiaomi', 'oppo', 'vivo', 'jpush', 'sms']) router.accepted({ ...send, channel, providerMessageId: `m-${channel}` });
    expect(router.rememberedSends).toBe(6);
  });
});
