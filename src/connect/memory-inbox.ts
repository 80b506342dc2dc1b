/** The embedded inbox: per-device maps in this process (nothing survives a restart, like the other memory stores). */
import type { PushMessage } from '../../providers/provider.js';
import type { Inbox } from './inbox.js';

/** Inboxes in process memory, with the app depth kept exact on every change. */
export class MemoryInbox implements Inbox {
  /** app → device → notification id → message. */
  private readonly apps = new Map<string, Map<string, Map<string, PushMessage>>>();
  private readonly depths = new Map<string, number>();

  constructor(
    private readonly maxMessages: number,
    private readonly now: () => number = Date.now,
  ) {}

  async put(app: string, deviceId: string, message: PushMessage): Promise<number> {
    let devices = this.apps.get(app);
    if (!devices) this.apps.set(app, (devices = new Map()));
    let box = devices.get(deviceId);
    if (!box) devices.set(deviceId, (box = new Map()));
    this.purge(app, deviceId, box, this.now());
    if (!box.has(message.notificationId)) this.adjust(app, 1);
    box.set(message.notificationId, message);
    while (box.size > this.maxMessages) {
      const soonest = [...box.values()].reduce((a, b) => (b.expiresAt < a.expiresAt ? b : a));
      box.delete(soonest.notificationId);
      this.adjust(app, -1);
    }
    // purge() may have dropped the emptied map from the app's devices.
    devices.set(deviceId, box);
    return box.size;
  }

  async list(app: string, deviceId: string): Promise<PushMessage[]> {
    const box = this.apps.get(app)?.get(deviceId);
    if (!box) return [];
    this.purge(app, deviceId, box, this.now());
    return [...box.values()].sort((a, b) => a.expiresAt - b.expiresAt);
  }

  async remove(app: string, deviceId: string, notificationIds: readonly string[]): Promise<void> {
    const box = this.apps.get(app)?.get(deviceId);
    if (!box) return;
    for (const id of notificationIds) if (box.delete(id)) this.adjust(app, -1);
    if (box.size === 0) this.apps.get(app)?.delete(deviceId);
  }

  async sweep(app: string, now: number): Promise<void> {
    for (const [deviceId, box] of this.apps.get(app) ?? []) this.purge(app, deviceId, box, now);
  }

  async depth(app: string): Promise<number> {
    return this.depths.get(app) ?? 0;
  }

  async close(): Promise<void> {
    this.apps.clear();
  }

  private purge(app: string, deviceId: string, box: Map<string, PushMessage>, now: number): void {
    for (const [id, message] of box) {
      if (message.expiresAt <= now) {
        box.delete(id);
        this.adjust(app, -1);
      }
    }
    if (box.size === 0) this.apps.get(app)?.delete(deviceId);
  }

  private adjust(app: string, delta: number): void {
    this.depths.set(app, (this.depths.get(app) ?? 0) + delta);
  }
}
