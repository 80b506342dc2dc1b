/**
 * The inbox: a device's pending messages, kept until acked or until each one's own expiry. Bounded in
 * count per device: beyond the bound the message closest to expiry is dropped (the one least likely to
 * still matter). Every long-connection delivery is written here first, online or not, so a socket that
 * drops before the ack loses nothing; an ack (WebSocket, HTTP or a provider receipt) removes it — the
 * WebSocket ack at once, the others when the inbox is next read (entries whose delivery is already
 * `delivered` are dropped then).
 */
import type { PushMessage } from '../../providers/provider.js';

export interface Inbox {
  /** Adds (or replaces) a message; answers the device's inbox size after it. */
  put(app: string, deviceId: string, message: PushMessage): Promise<number>;
  /** Pending, unexpired messages, soonest to expire first. */
  list(app: string, deviceId: string): Promise<PushMessage[]>;
  remove(app: string, deviceId: string, notificationIds: readonly string[]): Promise<void>;
  /** Drops expired entries (all devices of the app); keeps the depth exact. */
  sweep(app: string, now: number): Promise<void>;
  /** Messages pending across the app's inboxes. */
  depth(app: string): Promise<number>;
  close(): Promise<void>;
}
