/**
 * The long connection's Prometheus metrics, registered on the gateway's registry. Labels stay
 * low-cardinality: app (from config, never from the URL unchecked), reason, direction, frame type —
 * never device or notification ids.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { DisconnectReason } from './disconnect-reason.js';
import type { FrameType } from './frames.js';

/** Why an upgrade was refused before it became a socket. */
export type RefusalReason = 'not-found' | 'disabled' | 'unauthorized' | 'unavailable';

/** Typed emitters for the long connection's metrics; the only code here that touches prom-client. */
export class ConnectMetrics {
  private readonly open: Gauge<'app'>;
  private readonly connects: Counter<'app'>;
  private readonly refusals: Counter<'reason'>;
  private readonly disconnects: Counter<'app' | 'reason'>;
  private readonly frames: Counter<'app' | 'direction' | 'type'>;

  /** `inboxDepth` answers the pending messages per app when the gauge is scraped. */
  constructor(registry: Registry, inboxDepth: () => Promise<Map<string, number>>) {
    const registers = [registry];
    this.open = new Gauge({ name: 'pushmux_connections_open', help: 'Device WebSockets open on this node.', labelNames: ['app'], registers });
    this.connects = new Counter({ name: 'pushmux_connects_total', help: 'Device WebSockets accepted.', labelNames: ['app'], registers });
    this.refusals = new Counter({ name: 'pushmux_connect_refusals_total', help: 'Upgrades refused before the socket opened.', labelNames: ['reason'], registers });
    this.disconnects = new Counter({ name: 'pushmux_disconnects_total', help: 'Device WebSockets closed, by reason.', labelNames: ['app', 'reason'], registers });
    this.frames = new Counter({ name: 'pushmux_frames_total', help: 'WebSocket frames, by direction (in: from devices) and type.', labelNames: ['app', 'direction', 'type'], registers });
    new Gauge({
      name: 'pushmux_inbox_depth',
      help: 'Messages waiting in device inboxes (offline devices), per app.',
      labelNames: ['app'],
      registers,
      async collect() {
        this.reset();
        try {
          for (const [app, depth] of await inboxDepth()) this.set({ app }, depth);
        } catch {
          // Storage down: an absent sample says "unknown" better than a stale one.
        }
      },
    });
  }

  connected(app: string): void {
    this.connects.inc({ app });
    this.open.inc({ app });
  }

  disconnected(app: string, reason: DisconnectReason): void {
    this.disconnects.inc({ app, reason });
    this.open.dec({ app });
  }

  refused(reason: RefusalReason): void {
    this.refusals.inc({ reason });
  }

  frame(app: string, direction: 'in' | 'out', type: FrameType, count = 1): void {
    this.frames.inc({ app, direction, type }, count);
  }
}
