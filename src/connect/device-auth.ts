/**
 * Checks a device's connect token (connect-token.ts) for one app: well-formed, not expired, not valid
 * for longer than the configured maximum, signed with the key of a device registered in this app.
 * Used by the WebSocket upgrade and the inbox poll alike.
 */
import type { GatewayConfig } from '../config/index.js';
import type { Stores } from '../store/ports.js';
import type { DeviceRecord } from '../store/records.js';
import { parseConnectToken, verifyConnectMac } from './connect-token.js';

export type DeviceAuthResult =
  | { ok: true; device: DeviceRecord; expiresAtMs: number }
  | { ok: false; status: 401 | 404 | 503; code: 'unauthorized' | 'app_not_found' | 'store_unavailable'; message: string };

/** Clock skew tolerated between a device and the server, on the lifetime bound only. */
const SKEW_MS = 60_000;

/** Authenticates devices by their connect token, for the upgrade and the inbox poll. */
export class DeviceAuthenticator {
  constructor(
    private readonly config: GatewayConfig,
    private readonly stores: Stores,
    private readonly maxTokenLifetimeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async authenticate(app: string, token: string | undefined): Promise<DeviceAuthResult> {
    if (!Object.hasOwn(this.config.apps, app)) return { ok: false, status: 404, code: 'app_not_found', message: `No app "${app}"` };
    const parsed = token ? parseConnectToken(token) : undefined;
    if (!parsed) return unauthorized('A device token is required: <deviceId>.<expiresAtMs>.<hex hmac>');
    const now = this.now();
    if (parsed.expiresAtMs <= now) return unauthorized('The device token has expired');
    if (parsed.expiresAtMs > now + this.maxTokenLifetimeMs + SKEW_MS) return unauthorized(`The device token may be valid for at most ${this.maxTokenLifetimeMs} ms`);
    let device: DeviceRecord | undefined;
    try {
      device = await this.stores.devices.get(app, parsed.deviceId);
    } catch {
      return { ok: false, status: 503, code: 'store_unavailable', message: 'Storage is unavailable; retry later' };
    }
    // An unknown device and a wrong signature look the same to the caller.
    if (!device || !verifyConnectMac(app, parsed, device.key)) return unauthorized('The device token does not match a device key of this app');
    return { ok: true, device, expiresAtMs: parsed.expiresAtMs };
  }
}

function unauthorized(message: string): DeviceAuthResult {
  return { ok: false, status: 401, code: 'unauthorized', message };
}
