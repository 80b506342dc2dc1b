/**
 * The port of pushmux's own channel (src/connect/): a WebSocket per device with a pull inbox behind
 * it. The pipeline sees only this; a plan's long-connection step calls `deliver` and then waits for
 * the ack like any other step.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { PushMessage } from '../../providers/provider.js';
import type { GatewayConfig } from '../config/index.js';
import type { GatewayMetrics } from '../metrics/index.js';
import type { Stores } from '../store/ports.js';
import type { RedisClient } from '../store/redis/redis-client.js';
import type { AckService } from './ack-service.js';

export type LongConnectionResult =
  /** Written to the device's open socket (on this node or another). */
  | 'online'
  /** The device is offline: kept in its inbox until it reconnects or polls, or the TTL passes. */
  | 'inbox';

export interface LongConnectionChannel {
  /** Sends to the device's live connection, wherever it is held, or puts the message in its inbox. */
  deliver(app: string, deviceId: string, message: PushMessage): Promise<LongConnectionResult>;
  close(): Promise<void>;
}

/** What the connect module gets to build the channel and mount its routes. */
export interface ConnectContext {
  config: GatewayConfig;
  /** Mount the WebSocket route and the inbox route here (before the server listens). */
  server: FastifyInstance;
  stores: Stores;
  /** Ack frames end deliveries exactly like HTTP acks: `acks.ack({ ..., source: 'device-ws', channel: 'longconn' })`. */
  acks: AckService;
  metrics: GatewayMetrics;
  logger: FastifyBaseLogger;
  /** Set when the gateway runs on Redis: presence, inbox and cross-node pub/sub live there. */
  redis?: RedisClient;
  /** Builds a second connection (pub/sub subscribers need their own). */
  duplicateRedis?: () => RedisClient;
}

export type ConnectFactory = (ctx: ConnectContext) => Promise<LongConnectionChannel>;

/** The channel name in plans, timelines, scores and metrics. */
export const LONG_CONNECTION_CHANNEL = 'longconn';
