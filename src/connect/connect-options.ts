/**
 * The connect module's tunables: defaults merged first, then every option checked precisely (STYLE.md
 * §5), so a wrong value fails at start-up with the field's name rather than at the 50,000th socket.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ConfigError } from '../errors/index.js';

export interface ConnectOptions {
  /** This node's name in presence and pub/sub channels; unique per process. */
  nodeId: string;
  /** Largest frame a device may send (acks are tiny); bigger frames close the socket with 1009. */
  maxFrameBytes: number;
  /** How often the server pings every socket and refreshes presence. */
  heartbeatIntervalMs: number;
  /** A socket silent (no pong, no frame) this long is dropped as `idle-timeout`. */
  idleTimeoutMs: number;
  /** Bytes queued for one socket before it is dropped as a `slow-consumer`. */
  maxBufferedBytes: number;
  /** Pending messages per device inbox; beyond it the soonest to expire is dropped. */
  inboxMaxMessages: number;
  /** Sustained frames per second one device may send; past it (and the burst) it is dropped as `frame-flood`. */
  maxFramesPerSecond: number;
  /** Frames a device may send back to back: at least a full inbox, whose replay it acks at once. */
  frameBurst: number;
  /** Tokens expiring further in the future than this are refused (short-lived by construction). */
  maxTokenLifetimeMs: number;
  /** Presence entries live this long without a heartbeat (dead nodes drop out after it). */
  presenceTtlMs: number;
  /** How often expired inbox entries are swept (keeps the depth gauge honest). */
  inboxSweepIntervalMs: number;
}

/** Production defaults: a 25 s heartbeat keeps NAT mappings open; 4 KiB frames fit any ack. */
export const DEFAULT_CONNECT_OPTIONS: Omit<ConnectOptions, 'nodeId' | 'presenceTtlMs'> = {
  maxFrameBytes: 4_096,
  heartbeatIntervalMs: 25_000,
  idleTimeoutMs: 60_000,
  maxBufferedBytes: 262_144,
  inboxMaxMessages: 100,
  maxFramesPerSecond: 50,
  frameBurst: 200,
  maxTokenLifetimeMs: 3_600_000,
  inboxSweepIntervalMs: 60_000,
};

/** Merges defaults, then validates: throws ConfigError naming the field and the fix. */
export function resolveConnectOptions(input: Partial<ConnectOptions> = {}): ConnectOptions {
  const merged = { ...DEFAULT_CONNECT_OPTIONS, ...input };
  const heartbeat = merged.heartbeatIntervalMs;
  const options: ConnectOptions = {
    ...merged,
    nodeId: input.nodeId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
    // Three missed refreshes before a live node's devices look offline.
    presenceTtlMs: input.presenceTtlMs ?? heartbeat * 3,
  };
  const positive: (keyof ConnectOptions)[] = [
    'maxFrameBytes', 'heartbeatIntervalMs', 'idleTimeoutMs', 'maxBufferedBytes', 'inboxMaxMessages', 'maxFramesPerSecond', 'frameBurst', 'maxTokenLifetimeMs', 'presenceTtlMs', 'inboxSweepIntervalMs',
  ];
  for (const key of positive) {
    const value = options[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      throw new ConfigError(`connect.${key}`, `must be a positive integer, got ${String(value)}`, `set connect.${key} to a positive integer`);
    }
  }
  if (options.idleTimeoutMs <= options.heartbeatIntervalMs) {
    throw new ConfigError('connect.idleTimeoutMs', 'must be longer than heartbeatIntervalMs (a live socket answers one ping per interval)', 'use at least twice heartbeatIntervalMs');
  }
  if (options.presenceTtlMs <= options.heartbeatIntervalMs) {
    throw new ConfigError('connect.presenceTtlMs', 'must be longer than heartbeatIntervalMs (heartbeats refresh it)', 'use about three times heartbeatIntervalMs');
  }
  if (options.frameBurst < options.inboxMaxMessages) {
    throw new ConfigError('connect.frameBurst', `must be at least inboxMaxMessages (${options.inboxMaxMessages}): a reconnecting device acks its whole inbox at once`, `raise connect.frameBurst to ${options.inboxMaxMessages} or more`);
  }
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(options.nodeId)) {
    throw new ConfigError('connect.nodeId', 'may hold only letters, digits, ".", "_" and "-"', 'pick a simpler node id');
  }
  return options;
}
