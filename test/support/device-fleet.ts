/**
 * A simulated fleet of iOS devices behind the APNs mock: every push the mock accepts "arrives" on its
 * device, which acks it to the gateway the way the app would (signed with its device key), retrying
 * while the gateway is unreachable. It also counts copies, to measure duplicates exactly.
 */
import { Pool } from 'undici';
import { signNotificationId } from '../../src/http/device-signature.js';
import type { ApnsMock, ApnsMockRequest } from '../mocks/apns-mock.js';

export interface FleetDevice {
  id: string;
  token: string;
  key: string;
}

/** Acks posted at once by the whole fleet. */
const MAX_ACKS_IN_FLIGHT = 256;

export class DeviceFleet {
  /** Where acks go; switch it when the gateway the fleet talks to changes. */
  baseUrl: string;
  private readonly byToken = new Map<string, FleetDevice>();
  private readonly copies = new Map<string, number>();
  private readonly pendingAcks: { deviceId: string; notificationId: string; key: string }[] = [];
  private seen = 0;
  /** Requests the mock had not answered yet when last looked at. */
  private unanswered: ApnsMockRequest[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  /** Keep-alive connections to the gateway the fleet acks to, made again when baseUrl changes. */
  private pool: { origin: string; pool: Pool } | undefined;
  acked = 0;
  /** When each notification's first ack was answered (epoch ms), for ack-latency figures. */
  readonly ackedAt = new Map<string, number>();

  constructor(private readonly mock: ApnsMock, private readonly app: string, baseUrl: string, private readonly ackChance = 1) {
    this.baseUrl = baseUrl;
  }

  add(device: FleetDevice): void {
    this.byToken.set(device.token, device);
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), 20);
  }

  stop(): void {
    clearInterval(this.timer);
    void this.pool?.pool.destroy();
    this.pool = undefined;
  }

  /** `<deviceId>|<notificationId>` of deliveries that arrived more than once. */
  duplicateKeys(): string[] {
    return [...this.copies].filter(([, n]) => n > 1).map(([k]) => k);
  }

  /** Copies beyond the first of the same notification on the same device. */
  get duplicates(): number {
    let extra = 0;
    for (const n of this.copies.values()) extra += n - 1;
    return extra;
  }

  get received(): number {
    return this.copies.size;
  }

  /** True when every copy seen so far has been acked: no ack waits for a retry or is on the wire. */
  get settled(): boolean {
    return this.pendingAcks.length === 0 && this.inFlight === 0 && this.unanswered.length === 0 && this.seen === this.mock.requests.length;
  }

  private async tick(): Promise<void> {
    const requests = this.mock.requests;
    const fresh = requests.slice(this.seen);
    this.seen = requests.length;
    const look = [...this.unanswered, ...fresh];
    this.unanswered = [];
    for (const request of look) {
      if (request.status === undefined) {
        this.unanswered.push(request);
        continue;
      }
      if (request.status !== 200) continue;
      const notificationId = (request.body as { notificationId?: string } | undefined)?.notificationId;
      const device = this.byToken.get(request.token);
      if (!notificationId || !device) continue;
      const key = `${device.id}|${notificationId}`;
      this.copies.set(key, (this.copies.get(key) ?? 0) + 1);
      if (Math.random() < this.ackChance) this.pendingAcks.push({ deviceId: device.id, notificationId, key: device.key });
    }
    // A steady window of acks in flight, like many independent phones: never wait for a slow batch.
    while (this.inFlight < MAX_ACKS_IN_FLIGHT && this.pendingAcks.length > 0) {
      const ack = this.pendingAcks.shift() as (typeof this.pendingAcks)[number];
      this.inFlight += 1;
      void this.postAck(ack).finally(() => (this.inFlight -= 1));
    }
  }

  /**
   * undici's request over a keep-alive pool, not fetch: fetch's WHATWG streams cost the harness
   * several times the CPU per ack, on the same two cores as the gateway it measures.
   */
  private dispatcher(): Pool {
    const origin = new URL(this.baseUrl).origin;
    if (this.pool?.origin !== origin) {
      void this.pool?.pool.destroy();
      this.pool = { origin, pool: new Pool(origin, { connections: MAX_ACKS_IN_FLIGHT }) };
    }
    return this.pool.pool;
  }

  private async postAck(ack: { deviceId: string; notificationId: string; key: string }): Promise<void> {
    try {
      const res = await this.dispatcher().request({
        path: `/v1/apps/${this.app}/acks`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ notificationId: ack.notificationId, deviceId: ack.deviceId, signature: signNotificationId(ack.key, ack.notificationId) }),
      });
      await res.body.dump();
      if (res.statusCode >= 500) {
        this.pendingAcks.push(ack);
        return;
      }
      this.acked += 1;
      if (!this.ackedAt.has(ack.notificationId)) this.ackedAt.set(ack.notificationId, Date.now());
    } catch {
      this.pendingAcks.push(ack); // gateway down: the app retries later
    }
  }
}
