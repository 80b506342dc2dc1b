/** The messages between bench/connections.ts and its server process (Node IPC). */

export type ToServer =
  | { type: 'baseline' }
  | { type: 'measure' }
  | { type: 'fanout'; timeoutMs: number }
  | { type: 'direct'; timeoutMs: number };

export interface MemorySample {
  rss: number;
  heapUsed: number;
  external: number;
  connections: number;
}

export type FromServer =
  | { type: 'ready'; port: number }
  | { type: 'memory'; sample: MemorySample }
  | { type: 'fanout'; acked: number; devices: number; acceptMs: number; p50: number; p99: number; max: number }
  | { type: 'direct'; acked: number; devices: number; p50: number; p99: number; max: number };

/** The device key the server registers for a device, known to the fleet too (a benchmark, not a secret). */
export function benchDeviceKey(deviceId: string): string {
  return `bench-key-${deviceId}-0123456789`;
}

export function benchDeviceId(i: number): string {
  return `d${i}`;
}

/** Devices share 1,000 users so one notification (`to.userIds`) reaches them all. */
export function benchUserId(i: number): string {
  return `u${i % 1_000}`;
}
