/**
 * One device's socket, with its lifecycle made explicit as engine.io's Socket does (STYLE.md §7): a
 * ReadyState behind a setter that logs transitions, and one idempotent `onClose(reason)`.
 *
 * Where this differs from engine.io: heartbeats are not two timers per socket but one sweep over all of
 * them (ConnectionRegistry), because at 100,000 sockets per node the per-socket timers are memory and
 * the sweep is not; `lastSeenAt` is the state the sweep reads.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket, RawData } from 'ws';
import { RateLimiter } from '../../providers/resilience/rate-limiter.js';
import { CLOSE_CODES, type DisconnectReason } from './disconnect-reason.js';
import { parseDeviceFrame, type DeviceFrame } from './frames.js';

export type ReadyState = 'open' | 'closing' | 'closed';

/** What a connection reports to (the service that owns it). */
export interface ConnectionHost {
  readonly maxBufferedBytes: number;
  /** Frames per second and back to back one device may send. */
  readonly frameRate: { perSecond: number; burst: number };
  readonly logger: FastifyBaseLogger;
  onFrame(connection: DeviceConnection, frame: DeviceFrame): void;
  onBadFrame(connection: DeviceConnection): void;
  onClosed(connection: DeviceConnection, reason: DisconnectReason): void;
}

/** ws error codes that mean the device sent something we must not read further. */
const WS_ERROR_REASONS: Readonly<Record<string, DisconnectReason>> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 'frame-too-large',
};

/** One device's socket: its lifecycle, its bounded send queue and the frames it reads. */
export class DeviceConnection {
  private state: ReadyState = 'open';
  /** Last time the device showed life (pong or frame); the heartbeat sweep reads it. */
  lastSeenAt = Date.now();
  /** Made at the first frame: most sockets idle, and an idle socket's bytes are the budget. */
  private frameLimiter: RateLimiter | undefined;

  constructor(
    readonly app: string,
    readonly deviceId: string,
    /** This connection's presence value: whoever holds it owns the device's presence entry. */
    readonly presenceToken: string,
    private readonly ws: WebSocket,
    private readonly host: ConnectionHost,
  ) {
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('pong', () => {
      this.lastSeenAt = Date.now();
    });
    ws.on('error', (error: Error & { code?: string }) => {
      // ws closes the socket itself after a framing error (1009, 1002, 1007); we only name the reason.
      this.onClose(WS_ERROR_REASONS[error.code ?? ''] ?? (error.code?.startsWith('WS_ERR_') ? 'protocol-error' : 'socket-error'));
    });
    ws.on('close', () => this.onClose('client-closed'));
  }

  get readyState(): ReadyState {
    return this.state;
  }

  private set readyState(next: ReadyState) {
    this.host.logger.debug({ app: this.app, from: this.state, to: next }, 'device connection state');
    this.state = next;
  }

  /**
   * Queues a frame. A device whose queue would pass the bound is dropped as a slow consumer instead of
   * growing the node's memory; answers false when the frame was not queued.
   */
  send(frame: string | Buffer): boolean {
    if (this.state !== 'open') return false;
    const bytes = typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length;
    if (this.ws.bufferedAmount + bytes > this.host.maxBufferedBytes) {
      this.close('slow-consumer');
      return false;
    }
    // Buffers go out as text frames: one encoded frame is shared by every device of a fan-out.
    this.ws.send(frame, { binary: false });
    return true;
  }

  ping(): void {
    if (this.state === 'open') this.ws.ping();
  }

  /** Resolves once the underlying socket has closed (shutdown waits on it; nothing per message does). */
  socketClosed(): Promise<void> {
    if (this.ws.readyState === this.ws.CLOSED) return Promise.resolve();
    return new Promise((resolve) => this.ws.once('close', () => resolve()));
  }

  /** Destroys the socket without a handshake (after a shutdown's grace period). */
  terminate(): void {
    this.ws.terminate();
  }

  /** Ends the connection for a server-side reason; the first reason given is the one recorded. */
  close(reason: DisconnectReason): void {
    if (this.state !== 'open') return;
    this.readyState = 'closing';
    const code = (CLOSE_CODES as Partial<Record<DisconnectReason, number>>)[reason];
    // A dead or stuck peer would never answer a close handshake (and a close frame would queue behind
    // the very buffer that is full): those sockets are destroyed at once.
    if (code === undefined) this.ws.terminate();
    else this.ws.close(code, reason);
    this.onClose(reason);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.state !== 'open') return;
    this.lastSeenAt = Date.now();
    const { perSecond, burst } = this.host.frameRate;
    this.frameLimiter ??= new RateLimiter({ ratePerMinute: perSecond * 60, burst });
    if (this.frameLimiter.reserve() > 0) {
      this.close('frame-flood');
      return;
    }
    const frame = isBinary ? undefined : parseDeviceFrame(data.toString());
    if (!frame) {
      this.host.onBadFrame(this);
      this.close('bad-frame');
      return;
    }
    this.host.onFrame(this, frame);
  }

  /** Idempotent: the socket's own close event after a server-side close changes nothing. */
  private onClose(reason: DisconnectReason): void {
    if (this.state === 'closed') return;
    this.readyState = 'closed';
    this.host.onClosed(this, reason);
  }
}
