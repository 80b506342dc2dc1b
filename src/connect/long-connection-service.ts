/**
 * pushmux's own channel: the WebSocket endpoint, the sockets this node holds, presence and cross-node
 * hand-off, and the inbox behind them. It is the pipeline's LongConnectionChannel.
 *
 * `deliver` always writes the inbox first, then pushes to the live socket wherever it is: a socket
 * that drops before the ack loses nothing, and a device that reconnects (or polls) gets every message
 * not yet acked. Duplicates are possible by design (at-least-once); the SDK drops them by id.
 */
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { PushMessage } from '../../providers/provider.js';
import { errorBody } from '../errors/index.js';
import type { ConnectContext, LongConnectionChannel, LongConnectionResult } from '../pipeline/long-connection.js';
import { LONG_CONNECTION_CHANNEL } from '../pipeline/long-connection.js';
import type { ConnectMetrics, RefusalReason } from './connect-metrics.js';
import type { ConnectOptions } from './connect-options.js';
import { ConnectionRegistry } from './connection-registry.js';
import type { DeviceAuthenticator } from './device-auth.js';
import { DeviceConnection, type ConnectionHost } from './device-connection.js';
import type { DisconnectReason } from './disconnect-reason.js';
import { toMessageFrame, type DeviceFrame, type WelcomeFrame } from './frames.js';
import type { Inbox } from './inbox.js';
import type { NodeBus } from './node-bus.js';
import { nodeOfToken, presenceToken, type Presence } from './presence.js';

const CONNECT_PATH = /^\/v1\/apps\/([^/?#]+)\/connect$/;
const REFUSALS: Record<401 | 404 | 503, RefusalReason> = { 401: 'unauthorized', 404: 'not-found', 503: 'unavailable' };
/** Encoded message frames kept (notifications being fanned out at once). */
const FRAME_CACHE_SIZE = 64;
/** How long a shutdown waits for close handshakes before destroying the remaining sockets. */
const SHUTDOWN_GRACE_MS = 2_000;

export interface LongConnectionServiceDeps {
  ctx: ConnectContext;
  options: ConnectOptions;
  auth: DeviceAuthenticator;
  presence: Presence;
  inbox: Inbox;
  bus?: NodeBus;
  metrics: ConnectMetrics;
}

/** The long connection of one gateway node: endpoint, sockets, presence, hand-off and inbox. */
export class LongConnectionService implements LongConnectionChannel, ConnectionHost {
  readonly maxBufferedBytes: number;
  readonly frameRate: { perSecond: number; burst: number };
  readonly logger: ConnectContext['logger'];
  private readonly wss: WebSocketServer;
  private readonly registry: ConnectionRegistry;
  /** Acks and presence writes in flight: close() waits for them. */
  private readonly inflight = new Set<Promise<unknown>>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private seq = 0;
  private readonly frames = new Map<string, Buffer>();
  private closing = false;
  private closed: Promise<void> | undefined;

  constructor(private readonly deps: LongConnectionServiceDeps) {
    const { options, ctx } = deps;
    this.maxBufferedBytes = options.maxBufferedBytes;
    this.frameRate = { perSecond: options.maxFramesPerSecond, burst: options.frameBurst };
    this.logger = ctx.logger;
    // No client tracking (the registry tracks) and no compression (memory per socket is the budget).
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes, perMessageDeflate: false, clientTracking: false });
    this.registry = new ConnectionRegistry(deps.presence, options.heartbeatIntervalMs, options.idleTimeoutMs, (error) =>
      this.logger.warn({ err: (error as Error).message }, 'presence refresh failed'),
    );
  }

  /** The node's name in presence and pub/sub. */
  get nodeId(): string {
    return this.deps.options.nodeId;
  }

  /** Sockets open on this node. */
  get connections(): number {
    return this.registry.size;
  }

  /** Mounts the upgrade handler and starts the heartbeat, the inbox sweep and the node bus. */
  async start(): Promise<void> {
    const { ctx, bus, options, inbox } = this.deps;
    ctx.server.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
    // Upgraded sockets keep the HTTP server from closing: end them before it waits for them.
    ctx.server.addHook('preClose', async () => this.closeAll('server-shutdown'));
    await bus?.start(Object.keys(ctx.config.apps), (app, deviceId, message) => this.pushLocal(app, deviceId, message));
    this.registry.start();
    this.sweepTimer = setInterval(() => {
      for (const app of Object.keys(ctx.config.apps)) {
        this.track(inbox.sweep(app, Date.now()).catch((error: unknown) => this.logger.warn({ err: (error as Error).message, app }, 'inbox sweep failed')));
      }
    }, options.inboxSweepIntervalMs);
    this.sweepTimer.unref();
  }

  async deliver(app: string, deviceId: string, message: PushMessage): Promise<LongConnectionResult> {
    await this.deps.inbox.put(app, deviceId, message);
    if (this.pushLocal(app, deviceId, message)) return 'online';
    const { presence, bus } = this.deps;
    const token = bus ? await presence.nodeOf(app, deviceId) : undefined;
    if (!token || !bus) return 'inbox';
    const node = nodeOfToken(token);
    // Our own entry without a local socket is a leftover of a socket that just closed.
    if (node === this.nodeId) return 'inbox';
    // No listener on that node's channel: it died; its presence entries run out by TTL.
    return (await bus.publish(node, app, deviceId, message)) ? 'online' : 'inbox';
  }

  /**
   * The device's pending messages, minus the ones whose delivery an ack already ended (HTTP acks and
   * provider receipts reach the inbox this way), which are removed on the way.
   */
  async pending(app: string, deviceId: string): Promise<PushMessage[]> {
    const { inbox, ctx } = this.deps;
    const listed = await inbox.list(app, deviceId);
    const records = await Promise.all(listed.map((m) => ctx.stores.notifications.getDelivery(app, m.notificationId, deviceId)));
    const done = listed.filter((_, i) => records[i]?.status === 'delivered').map((m) => m.notificationId);
    if (done.length > 0) await inbox.remove(app, deviceId, done);
    return listed.filter((_, i) => records[i]?.status !== 'delivered');
  }

  // ConnectionHost: what the sockets report.

  onFrame(connection: DeviceConnection, frame: DeviceFrame): void {
    const { metrics, ctx, inbox } = this.deps;
    metrics.frame(connection.app, 'in', frame.type);
    if (frame.type === 'ping') {
      if (connection.send('{"type":"pong"}')) metrics.frame(connection.app, 'out', 'pong');
      return;
    }
    const { app, deviceId } = connection;
    const notificationId = frame.notificationId;
    this.track((async () => {
      await ctx.acks.ack({ app, notificationId, deviceId, source: 'device-ws', channel: LONG_CONNECTION_CHANNEL });
      await inbox.remove(app, deviceId, [notificationId]);
    })().catch((error: unknown) => this.logger.warn({ err: (error as Error).message, app }, 'ack frame failed')));
  }

  onBadFrame(connection: DeviceConnection): void {
    this.deps.metrics.frame(connection.app, 'in', 'invalid');
  }

  onClosed(connection: DeviceConnection, reason: DisconnectReason): void {
    this.deps.metrics.disconnected(connection.app, reason);
    if (!this.registry.delete(connection)) return;
    const entry = { app: connection.app, deviceId: connection.deviceId, token: connection.presenceToken };
    this.track(this.deps.presence.release(entry).catch(() => undefined));
  }

  async close(): Promise<void> {
    this.closed ??= (async () => {
      await this.closeAll('server-shutdown');
      this.registry.stop();
      clearInterval(this.sweepTimer);
      await Promise.allSettled([...this.inflight]);
      await this.deps.bus?.close();
      await this.deps.presence.close();
      await this.deps.inbox.close();
      await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    })();
    return this.closed;
  }

  /** Closes every socket with `reason`; the ones that do not finish the handshake in time are destroyed. */
  private async closeAll(reason: DisconnectReason): Promise<void> {
    this.closing = true;
    const connections = [...this.registry.all()];
    for (const connection of connections) connection.close(reason);
    if (connections.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(connections.map((c) => c.socketClosed())),
      new Promise((resolve) => (timer = setTimeout(resolve, SHUTDOWN_GRACE_MS))),
    ]);
    clearTimeout(timer);
    for (const connection of connections) connection.terminate();
  }

  /** Sends to a socket held by this node; false when the device has none here (or it was just dropped). */
  private pushLocal(app: string, deviceId: string, message: PushMessage): boolean {
    const connection = this.registry.get(app, deviceId);
    if (!connection || !connection.send(this.encoded(message))) return false;
    this.deps.metrics.frame(app, 'out', 'message');
    return true;
  }

  /**
   * The message frame, encoded once per notification: a fan-out sends the same bytes to every device
   * (the pipeline hands each delivery its own copy of the message, so the cache is by id).
   */
  private encoded(message: PushMessage): Buffer {
    const key = `${message.appId}\u0000${message.notificationId}`;
    let frame = this.frames.get(key);
    if (!frame) {
      frame = Buffer.from(JSON.stringify(toMessageFrame(message)));
      this.frames.set(key, frame);
      // Insertion order is age: forget the oldest beyond a few concurrent fan-outs.
      if (this.frames.size > FRAME_CACHE_SIZE) this.frames.delete(this.frames.keys().next().value as string);
    }
    return frame;
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    // Whatever the path holds, a malformed one must end in a 404, never in an exception on this event.
    let url: URL;
    let app: string;
    try {
      url = new URL(req.url ?? '/', 'http://device');
      const match = CONNECT_PATH.exec(url.pathname);
      if (!match?.[1]) throw new Error('no route');
      app = decodeURIComponent(match[1]);
    } catch {
      return this.refuse(socket, 'not-found', 404, 'route_not_found', 'No such WebSocket route');
    }
    if (this.closing) return this.refuse(socket, 'unavailable', 503, 'shutting_down', 'This node is shutting down; connect to another');
    const appConfig = Object.hasOwn(this.deps.ctx.config.apps, app) ? this.deps.ctx.config.apps[app] : undefined;
    if (appConfig && !appConfig.longConnection.enabled) return this.refuse(socket, 'disabled', 404, 'route_not_found', `App "${app}" has no long connection`);
    const header = req.headers.authorization;
    const token = url.searchParams.get('token') ?? (header?.startsWith('Device ') ? header.slice(7).trim() : undefined);
    void this.deps.auth.authenticate(app, token).then((result) => {
      if (!result.ok) return this.refuse(socket, REFUSALS[result.status], result.status, result.code, result.message);
      if (this.closing) return this.refuse(socket, 'unavailable', 503, 'shutting_down', 'This node is shutting down; connect to another');
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onOpen(app, result.device.id, ws));
    });
  }

  /** Answers an upgrade with a plain HTTP error in the API's envelope, before any WebSocket exists. */
  private refuse(socket: Duplex, reason: RefusalReason, status: number, code: string, message: string): void {
    this.deps.metrics.refused(reason);
    const body = JSON.stringify(errorBody(code, message));
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }

  private onOpen(app: string, deviceId: string, ws: WebSocket): void {
    const { presence, metrics, options } = this.deps;
    const connection = new DeviceConnection(app, deviceId, presenceToken(this.nodeId, ++this.seq), ws, this);
    metrics.connected(app);
    this.registry.add(connection)?.close('replaced');
    const welcome: WelcomeFrame = { type: 'welcome', deviceId, heartbeatIntervalMs: options.heartbeatIntervalMs, idleTimeoutMs: options.idleTimeoutMs };
    if (connection.send(JSON.stringify(welcome))) metrics.frame(app, 'out', 'welcome');
    // Presence first, inbox second: whatever is delivered after the claim comes live, whatever came
    // before is in the inbox; overlap only makes a duplicate, which the device drops.
    this.track((async () => {
      await presence.claim({ app, deviceId, token: connection.presenceToken }).catch((error: unknown) =>
        this.logger.warn({ err: (error as Error).message, app }, 'presence claim failed; deliveries from other nodes go to the inbox'));
      for (const message of await this.pending(app, deviceId)) {
        if (connection.readyState !== 'open') return;
        if (connection.send(this.encoded(message))) metrics.frame(app, 'out', 'message');
      }
    })().catch((error: unknown) => this.logger.warn({ err: (error as Error).message, app }, 'inbox replay failed')));
  }

  private track(promise: Promise<unknown>): void {
    this.inflight.add(promise);
    void promise.finally(() => this.inflight.delete(promise));
  }
}
