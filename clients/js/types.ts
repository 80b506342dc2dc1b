/**
 * What the SDK exchanges with pushmux. Kept here (not imported from the server) so the SDK stands
 * alone: it runs in browsers and Node and depends on nothing but, on Node < 22, the optional `ws`.
 */

/** A pushed notification as the device receives it (socket frame or inbox entry). */
export interface PushmuxMessage {
  type: 'message';
  /** Ack with it; a second copy carries the same id. */
  notificationId: string;
  app: string;
  title?: string;
  body?: string;
  data: Record<string, string>;
  priority: string;
  /** Epoch ms after which the message is stale. */
  expiresAt: number;
  collapseKey?: string;
}

export interface WelcomeFrame {
  type: 'welcome';
  deviceId: string;
  heartbeatIntervalMs: number;
  idleTimeoutMs: number;
}

export type ServerFrame = PushmuxMessage | WelcomeFrame | { type: 'pong' };

/** The smallest WebSocket surface the SDK uses: the browser's, undici's (Node ≥ 22) and ws's all fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** The `fetch` the SDK needs (the global one fits). */
export type FetchLike = (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<{
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}>;

/** Who the device is: its app, id and the key it got at registration. */
export interface DeviceIdentity {
  /** The gateway's base URL, e.g. `https://push.example.com` (the socket uses ws:// or wss:// on it). */
  url: string;
  app: string;
  deviceId: string;
  deviceKey: string;
}
