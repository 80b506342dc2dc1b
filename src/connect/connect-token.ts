/**
 * The device's connect token: `<deviceId>.<expiresAtMs>.<hex(HMAC-SHA256(deviceKey, "connect:<app>:<deviceId>:<expiresAtMs>"))>`.
 * The device signs it itself with the key it got at registration, so no token endpoint is needed; the
 * app is inside the MAC, so one app's token never opens another's. Device ids may contain dots, so the
 * token is split from the right.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What the MAC covers. Shared with the client SDK (clients/js/connect-token.ts), which must match. */
export function connectTokenPayload(app: string, deviceId: string, expiresAtMs: number): string {
  return `connect:${app}:${deviceId}:${expiresAtMs}`;
}

/** Signs a token (server side: tests and tools; devices use the SDK's WebCrypto version). */
export function signConnectToken(app: string, deviceId: string, deviceKey: string, expiresAtMs: number): string {
  const mac = createHmac('sha256', deviceKey).update(connectTokenPayload(app, deviceId, expiresAtMs)).digest('hex');
  return `${deviceId}.${expiresAtMs}.${mac}`;
}

export interface ParsedConnectToken {
  deviceId: string;
  expiresAtMs: number;
  mac: string;
}

/** Splits a token without checking it; undefined when it is not even shaped like one. */
export function parseConnectToken(token: string): ParsedConnectToken | undefined {
  if (token.length > 512) return undefined;
  const macDot = token.lastIndexOf('.');
  const expDot = macDot > 0 ? token.lastIndexOf('.', macDot - 1) : -1;
  if (expDot <= 0) return undefined;
  const deviceId = token.slice(0, expDot);
  const expires = token.slice(expDot + 1, macDot);
  const mac = token.slice(macDot + 1);
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(deviceId) || !/^\d{1,15}$/.test(expires) || !/^[0-9a-f]{64}$/i.test(mac)) return undefined;
  return { deviceId, expiresAtMs: Number(expires), mac };
}

/** Constant-time MAC check of a parsed token against the device's key. */
export function verifyConnectMac(app: string, parsed: ParsedConnectToken, deviceKey: string): boolean {
  const expected = createHmac('sha256', deviceKey).update(connectTokenPayload(app, parsed.deviceId, parsed.expiresAtMs)).digest();
  return timingSafeEqual(expected, Buffer.from(parsed.mac, 'hex'));
}
