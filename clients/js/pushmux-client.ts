/**
 * The device side of pushmux's own channel. Holds a WebSocket to the gateway, reconnects with jittered
 * backoff, acks every message (on the socket, or over HTTP when the socket went away meanwhile), drops
 * second copies by notification id, and polls the inbox while the socket keeps failing.
 *
 * Delivery is at least once: a message can come twice (a reconnect replays what was not acked yet);
 * `onMessage` sees each notification id once, and every copy is acked so the server can forget it.
 */
import { backoff } from './backoff.js';
import { ackNotification, fetchInbox } from './http-api.js';
import { SeenIds } from './seen-ids.js';
import { signConnectToken } from './signing.js';
import type { DeviceIdentity, FetchLike, PushmuxMessage, ServerFrame, WebSocketConstructor, WebSocketLike } from './types.js';

/** `waiting`: between a lost socket and the next attempt; `stopped`: stop() was called or another connection replaced this one. */
export type ClientState = 'idle' | 'connecting' | 'connected' | 'waiting' | 'stopped';

export interface PushmuxClientOptions extends DeviceIdentity {
  /** Called once per notification id; the message is acked after it returns (or throws). */
  onMessage(message: PushmuxMessage): void | Promise<void>;
  onStateChange?(state: ClientState): void;
  onError?(error: Error): void;
  /** Lifetime of each connect token the SDK signs (default 5 minutes; the server caps it). */
  tokenLifetimeMs?: number;
  minReconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** Consecutive failed or lost sockets before the inbox is polled as well (default 3). */
  pollAfterFailures?: number;
  pollIntervalMs?: number;
  /** How many notification ids are remembered to drop duplicates (default 1,000). */
  dedupeCapacity?: number;
  /** A WebSocket implementation; default: the global one, else the `ws` package (Node < 22). */
  WebSocket?: WebSocketConstructor;
  fetch?: FetchLike;
}

/** The server closes with it when another connection of the same device took over: do not fight it. */
const CLOSE_REPLACED = 4000;
const OPEN = 1;

/** A device's connection to pushmux: `start()` once, `stop()` when done; messages arrive at `onMessage`. */
export class PushmuxClient {
  private readonly seen: SeenIds;
  private state: ClientState = 'idle';
  private ws: WebSocketLike | undefined;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private livenessTimer: ReturnType<typeof setInterval> | undefined;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private lastFrameAt = 0;
  /** Messages are handled one after another, in arrival order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: PushmuxClientOptions) {
    this.seen = new SeenIds(options.dedupeCapacity ?? 1_000);
  }

  get readyState(): ClientState {
    return this.state;
  }

  /** True while the inbox is being polled (the socket keeps failing). */
  get polling(): boolean {
    return this.pollTimer !== undefined;
  }

  start(): void {
    if (this.state !== 'idle') return;
    void this.connect();
  }

  /** Closes the socket, stops every timer, and waits for the messages being handled. */
  async stop(): Promise<void> {
    this.setState('stopped');
    clearTimeout(this.reconnectTimer);
    this.stopLiveness();
    this.stopPolling();
    const ws = this.ws;
    this.ws = undefined;
    ws?.close(1000, 'client stop');
    await this.queue;
  }

  /** Reads the inbox once now (also what the fallback poll runs). */
  async poll(): Promise<void> {
    try {
      const messages = await fetchInbox(this.options, { tokenLifetimeMs: this.options.tokenLifetimeMs, fetch: this.options.fetch });
      for (const message of messages) this.enqueue(message, 'poll');
      await this.queue;
    } catch (error) {
      this.report(error);
    }
  }

  private async connect(): Promise<void> {
    if (this.state === 'stopped') return;
    this.setState('connecting');
    try {
      const WebSocketImpl = await this.webSocketImpl();
      const { app, deviceId, deviceKey } = this.options;
      const token = await signConnectToken(app, deviceId, deviceKey, Date.now() + (this.options.tokenLifetimeMs ?? 300_000));
      // stop() may have run while the token was being signed.
      if (this.isStopped()) return;
      const base = this.options.url.replace(/\/+$/, '').replace(/^http/, 'ws');
      const ws = new WebSocketImpl(`${base}/v1/apps/${encodeURIComponent(app)}/connect?token=${encodeURIComponent(token)}`);
      this.ws = ws;
      ws.onmessage = (event) => this.onFrame(ws, event.data);
      ws.onclose = (event) => this.onSocketClosed(ws, event.code);
      // A close event always follows an error; it is handled there.
      ws.onerror = () => undefined;
    } catch (error) {
      this.report(error);
      this.scheduleReconnect();
    }
  }

  private onFrame(ws: WebSocketLike, data: unknown): void {
    if (ws !== this.ws) return;
    this.lastFrameAt = Date.now();
    let frame: ServerFrame;
    try {
      frame = JSON.parse(typeof data === 'string' ? data : String(data)) as ServerFrame;
    } catch {
      return;
    }
    if (frame.type === 'welcome') {
      this.attempt = 0;
      this.stopPolling();
      this.setState('connected');
      this.startLiveness(ws, frame.heartbeatIntervalMs, frame.idleTimeoutMs);
    } else if (frame.type === 'message') {
      this.enqueue(frame, 'socket');
    }
  }

  private enqueue(message: PushmuxMessage, via: 'socket' | 'poll'): void {
    this.queue = this.queue.then(() => this.handle(message, via));
  }

  private async handle(message: PushmuxMessage, via: 'socket' | 'poll'): Promise<void> {
    if (this.seen.add(message.notificationId)) {
      try {
        await this.options.onMessage(message);
      } catch (error) {
        this.report(error);
      }
    }
    // Every copy is acked: a second copy means the server has not seen an ack yet.
    const ws = this.ws;
    if (via === 'socket' && ws && ws.readyState === OPEN) {
      ws.send(JSON.stringify({ type: 'ack', notificationId: message.notificationId }));
      return;
    }
    try {
      await ackNotification(this.options, message.notificationId, { channel: 'longconn', fetch: this.options.fetch });
    } catch (error) {
      this.report(error);
    }
  }

  private onSocketClosed(ws: WebSocketLike, code: number): void {
    if (ws !== this.ws) return;
    this.ws = undefined;
    this.stopLiveness();
    if (this.state === 'stopped') return;
    if (code === CLOSE_REPLACED) {
      this.report(new Error('pushmux: another connection of this device replaced this one'));
      this.setState('stopped');
      this.stopPolling();
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.state === 'stopped') return;
    this.setState('waiting');
    this.attempt += 1;
    if (this.attempt >= (this.options.pollAfterFailures ?? 3)) this.startPolling();
    const delay = backoff(this.attempt - 1, this.options.minReconnectDelayMs ?? 500, this.options.maxReconnectDelayMs ?? 20_000);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  /**
   * Browsers cannot see protocol pings, so the client pings in JSON and treats a server silent for the
   * idle timeout as gone.
   */
  private startLiveness(ws: WebSocketLike, intervalMs: number, idleTimeoutMs: number): void {
    this.stopLiveness();
    this.livenessTimer = setInterval(() => {
      if (Date.now() - this.lastFrameAt > idleTimeoutMs) {
        ws.close(4001, 'server silent');
        this.onSocketClosed(ws, 4001);
        return;
      }
      if (ws.readyState === OPEN) ws.send('{"type":"ping"}');
    }, intervalMs);
  }

  private stopLiveness(): void {
    clearInterval(this.livenessTimer);
    this.livenessTimer = undefined;
  }

  private startPolling(): void {
    if (this.pollTimer !== undefined || this.state === 'stopped') return;
    this.pollTimer = setInterval(() => void this.poll(), this.options.pollIntervalMs ?? 30_000);
    void this.poll();
  }

  private stopPolling(): void {
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  private async webSocketImpl(): Promise<WebSocketConstructor> {
    if (this.options.WebSocket) return this.options.WebSocket;
    const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (global) return global;
    // Node < 22 has no global WebSocket: the optional `ws` package. A variable specifier keeps
    // browser bundlers from trying to resolve it.
    const specifier = 'ws';
    const module = (await import(specifier)) as { WebSocket: WebSocketConstructor };
    return module.WebSocket;
  }

  private isStopped(): boolean {
    return this.state === 'stopped';
  }

  private setState(next: ClientState): void {
    if (this.state === next) return;
    this.state = next;
    this.options.onStateChange?.(next);
  }

  private report(error: unknown): void {
    this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
  }
}
