/**
 * Why a device's socket ended (socket.io's DisconnectReason, STYLE.md §7). The values are metric labels
 * and close reasons on the wire, so the set is closed and small.
 */
export type DisconnectReason =
  /** The device closed it, or the network dropped it. */
  | 'client-closed'
  /** No pong and no frame within the idle timeout. */
  | 'idle-timeout'
  /** More than the send buffer's bound queued for it. */
  | 'slow-consumer'
  /** A frame bigger than the maximum. */
  | 'frame-too-large'
  /** Not a frame we understand: binary, not JSON, unknown type, bad fields. */
  | 'bad-frame'
  /** More frames than any device has reason to send (each ack costs store reads). */
  | 'frame-flood'
  /** Broken WebSocket framing (bad opcode, invalid UTF-8, ...). */
  | 'protocol-error'
  /** The same device connected again (here or on another node). */
  | 'replaced'
  /** This node is shutting down. */
  | 'server-shutdown'
  /** The socket failed underneath. */
  | 'socket-error';

/** Reasons after which the client should reconnect (with backoff); the others need a fix first. */
export const RECOVERABLE_DISCONNECT_REASONS: ReadonlySet<DisconnectReason> = new Set<DisconnectReason>([
  'client-closed', 'idle-timeout', 'slow-consumer', 'server-shutdown', 'socket-error',
]);

/** WebSocket close codes the server sends (terminated sockets get none). */
export const CLOSE_CODES = {
  'server-shutdown': 1001,
  'bad-frame': 1008,
  'frame-flood': 1008,
  'frame-too-large': 1009,
  /** Application range: the SDK does not reconnect after it (another connection took over). */
  replaced: 4000,
} as const satisfies Partial<Record<DisconnectReason, number>>;
