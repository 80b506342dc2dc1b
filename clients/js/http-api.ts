/** The device's HTTP calls: ack a message (whatever carried it) and read the inbox. */
import { signAck, signConnectToken } from './signing.js';
import type { DeviceIdentity, FetchLike, PushmuxMessage } from './types.js';

/** `delivered`, `late`, `duplicate` or `ignored`, as the server answers. */
export type AckResult = string;

function fetchOf(custom?: FetchLike): FetchLike {
  const found = custom ?? (globalThis.fetch as unknown as FetchLike | undefined);
  if (!found) throw new Error('pushmux: no fetch available; pass one in the options');
  return found;
}

function base(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * Acknowledges a notification over HTTP: for messages that came through a provider (APNs, FCM, a
 * phone maker's channel) or the inbox poll. `channel` names what carried it, when the app knows.
 */
export async function ackNotification(
  identity: DeviceIdentity,
  notificationId: string,
  options: { channel?: string; fetch?: FetchLike } = {},
): Promise<AckResult> {
  const signature = await signAck(identity.deviceKey, notificationId);
  const body = { notificationId, deviceId: identity.deviceId, signature, ...(options.channel ? { channel: options.channel } : {}) };
  const res = await fetchOf(options.fetch)(`${base(identity.url)}/v1/apps/${encodeURIComponent(identity.app)}/acks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as { result?: string; error?: { code: string; message: string } };
  if (!res.ok) throw new Error(`pushmux: ack refused (${res.status} ${answer.error?.code ?? ''})`);
  return answer.result ?? 'unknown';
}

/** Reads the device's pending messages (the pull side of the long connection). */
export async function fetchInbox(identity: DeviceIdentity, options: { tokenLifetimeMs?: number; fetch?: FetchLike } = {}): Promise<PushmuxMessage[]> {
  const token = await signConnectToken(identity.app, identity.deviceId, identity.deviceKey, Date.now() + (options.tokenLifetimeMs ?? 300_000));
  const res = await fetchOf(options.fetch)(
    `${base(identity.url)}/v1/apps/${encodeURIComponent(identity.app)}/devices/${encodeURIComponent(identity.deviceId)}/inbox`,
    { headers: { authorization: `Device ${token}` } },
  );
  const answer = (await res.json()) as { messages?: PushmuxMessage[]; error?: { code: string } };
  if (!res.ok) throw new Error(`pushmux: inbox refused (${res.status} ${answer.error?.code ?? ''})`);
  return answer.messages ?? [];
}
