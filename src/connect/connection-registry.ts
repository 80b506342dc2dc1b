/**
 * The sockets this node holds, one per device, and the heartbeat sweep over them: ping the live ones,
 * drop the silent ones (`idle-timeout`), refresh their presence, and close the ones whose presence a
 * newer connection on another node has taken (`replaced`).
 */
import type { DeviceConnection } from './device-connection.js';
import type { Presence, PresenceEntry } from './presence.js';

/** Presence refreshes per round trip: big enough to pipeline, small enough not to stall Redis. */
const REFRESH_CHUNK = 1_000;

/** This node's sockets by (app, device), and the heartbeat sweep over them. */
export class ConnectionRegistry {
  private readonly byDevice = new Map<string, DeviceConnection>();
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(
    private readonly presence: Presence,
    private readonly heartbeatIntervalMs: number,
    private readonly idleTimeoutMs: number,
    private readonly onSweepError: (error: unknown) => void,
  ) {}

  get size(): number {
    return this.byDevice.size;
  }

  get(app: string, deviceId: string): DeviceConnection | undefined {
    return this.byDevice.get(key(app, deviceId));
  }

  /** Registers a connection; answers the one it replaces, if the device was already connected here. */
  add(connection: DeviceConnection): DeviceConnection | undefined {
    const k = key(connection.app, connection.deviceId);
    const previous = this.byDevice.get(k);
    this.byDevice.set(k, connection);
    return previous;
  }

  /** Removes the connection if it is still the device's current one. */
  delete(connection: DeviceConnection): boolean {
    const k = key(connection.app, connection.deviceId);
    if (this.byDevice.get(k) !== connection) return false;
    this.byDevice.delete(k);
    return true;
  }

  all(): IterableIterator<DeviceConnection> {
    return this.byDevice.values();
  }

  start(): void {
    this.timer ??= setInterval(() => void this.sweep(), this.heartbeatIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One heartbeat round; skipped while the previous one is still refreshing presence. */
  async sweep(now = Date.now()): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const live: DeviceConnection[] = [];
      for (const connection of [...this.byDevice.values()]) {
        if (now - connection.lastSeenAt > this.idleTimeoutMs) connection.close('idle-timeout');
        else {
          connection.ping();
          live.push(connection);
        }
      }
      for (let i = 0; i < live.length; i += REFRESH_CHUNK) {
        const chunk = live.slice(i, i + REFRESH_CHUNK);
        const entries: PresenceEntry[] = chunk.map((c) => ({ app: c.app, deviceId: c.deviceId, token: c.presenceToken }));
        const owned = await this.presence.refresh(entries);
        chunk.forEach((c, j) => {
          if (owned[j] === false) c.close('replaced');
        });
      }
    } catch (error) {
      this.onSweepError(error);
    } finally {
      this.sweeping = false;
    }
  }
}

function key(app: string, deviceId: string): string {
  return `${app}\u0000${deviceId}`;
}
