/**
 * The JSON frames on the socket. Server → device: `welcome` once, `message` per notification, `pong`
 * answering an application ping (browsers cannot see protocol pings). Device → server: `ack` and `ping`.
 */
import type { PushMessage } from '../../providers/provider.js';

export interface WelcomeFrame {
  type: 'welcome';
  deviceId: string;
  /** The server pings this often; the client may use it to size its own liveness check. */
  heartbeatIntervalMs: number;
  idleTimeoutMs: number;
}

export interface MessageFrame {
  type: 'message';
  /** What the device acks with, and drops a second copy by. */
  notificationId: string;
  app: string;
  title?: string;
  body?: string;
  data: Record<string, string>;
  priority: PushMessage['priority'];
  /** Epoch ms after which the message is stale. */
  expiresAt: number;
  collapseKey?: string;
}

export type ServerFrame = WelcomeFrame | MessageFrame | { type: 'pong' };

export type DeviceFrame = { type: 'ack'; notificationId: string } | { type: 'ping' };

/** Frame types as metric labels; anything else counts as `invalid`. */
export type FrameType = ServerFrame['type'] | DeviceFrame['type'] | 'invalid';

/** The device's view of a pushed message. */
export function toMessageFrame(message: PushMessage): MessageFrame {
  return {
    type: 'message',
    notificationId: message.notificationId,
    app: message.appId,
    title: message.title,
    body: message.body,
    data: message.data,
    priority: message.priority,
    expiresAt: message.expiresAt,
    collapseKey: message.collapseKey,
  };
}

/** Parses a device frame; undefined for anything that is not exactly one of ours. */
export function parseDeviceFrame(text: string): DeviceFrame | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const frame = value as Record<string, unknown>;
  if (frame.type === 'ping') return { type: 'ping' };
  if (frame.type === 'ack' && typeof frame.notificationId === 'string' && frame.notificationId.length > 0 && frame.notificationId.length <= 64) {
    return { type: 'ack', notificationId: frame.notificationId };
  }
  return undefined;
}
