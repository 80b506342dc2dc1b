import { describe, expect, it } from 'vitest';
import { signAck, signConnectToken as sdkSign } from '../../../clients/js/index.js';
import { parseConnectToken, signConnectToken, verifyConnectMac } from '../../../src/connect/index.js';
import { signNotificationId } from '../../../src/http/device-signature.js';

describe('connect token', () => {
  it('round-trips, with dots and colons in the device id', () => {
    const token = signConnectToken('shop', 'dev.1:a', 'k3y', 1_700_000_000_000);
    const parsed = parseConnectToken(token);
    expect(parsed).toMatchObject({ deviceId: 'dev.1:a', expiresAtMs: 1_700_000_000_000 });
    expect(verifyConnectMac('shop', parsed!, 'k3y')).toBe(true);
    expect(verifyConnectMac('other', parsed!, 'k3y')).toBe(false);
    expect(verifyConnectMac('shop', parsed!, 'wrong')).toBe(false);
  });

  it('refuses what is not shaped like a token', () => {
    for (const bad of ['', 'abc', 'dev.123', 'dev.notanumber.' + 'a'.repeat(64), 'dev.1.' + 'g'.repeat(64), '.1.' + 'a'.repeat(64), 'd e v.1.' + 'a'.repeat(64)]) {
      expect(parseConnectToken(bad), bad).toBeUndefined();
    }
  });

  it('the SDK (WebCrypto) signs exactly what the server checks', async () => {
    expect(await sdkSign('shop', 'dev-1', 'k3y', 1_700_000_000_000)).toBe(signConnectToken('shop', 'dev-1', 'k3y', 1_700_000_000_000));
    expect(await signAck('k3y', 'n-1')).toBe(signNotificationId('k3y', 'n-1'));
  });
});
