/**
 * The embedded default: one app `demo` with every channel simulated, so a fresh checkout does the whole
 * job with no credentials and no Redis. The sandbox behaviour mirrors the usual field picture: each
 * phone maker's channel strong on its own brand, FCM weak where Google services are missing, JPush
 * middling where ROMs kill background apps.
 */
export function embeddedDefaultApps(demoKey: string): Record<string, unknown> {
  const maker = (brand: string) => ({
    sandbox: {
      acceptRate: 0.995,
      deliveryRate: 0,
      byDevice: [{ match: { brand }, behaviour: { deliveryRate: 0.97 } }],
    },
  });
  return {
    demo: {
      apiKeys: [{ name: 'demo', key: demoKey, scopes: ['send', 'devices', 'admin'] }],
      // Texts are simulated too, so a notification with `sms.text` to a device with a phone shows the
      // plan's last step end to end.
      sms: { sandbox: { acceptRate: 0.99, deliveryRate: 0.97, latencyMs: { min: 500, max: 3_000 } }, perPhonePerHour: 5 },
      providers: {
        apns: { sandbox: { deliveryRate: 0.97, latencyMs: { min: 30, max: 250 } } },
        fcm: {
          sandbox: {
            deliveryRate: 0.93,
            byDevice: [
              { match: { brand: 'huawei' }, behaviour: { deliveryRate: 0.15 } },
              { match: { brand: 'honor' }, behaviour: { deliveryRate: 0.3 } },
              { match: { brand: 'xiaomi' }, behaviour: { deliveryRate: 0.6 } },
              { match: { brand: 'oppo' }, behaviour: { deliveryRate: 0.55 } },
              { match: { brand: 'vivo' }, behaviour: { deliveryRate: 0.55 } },
            ],
          },
        },
        jpush: {
          sandbox: {
            deliveryRate: 0.8,
            byDevice: [
              { match: { brand: 'xiaomi' }, behaviour: { deliveryRate: 0.7 } },
              { match: { brand: 'vivo' }, behaviour: { deliveryRate: 0.65 } },
            ],
          },
        },
        hms: maker('huawei'),
        honor: maker('honor'),
        xiaomi: maker('xiaomi'),
        oppo: maker('oppo'),
        vivo: maker('vivo'),
      },
    },
  };
}
