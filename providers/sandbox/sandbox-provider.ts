/**
 * A simulated provider for the embedded default and for tests: accepts, rejects and "delivers" with
 * configured rates and latencies per device class, so the gateway does its whole job with no
 * credentials. Tokens starting with `invalid` are answered as invalid tokens (a deterministic way to
 * exercise token hygiene).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { jsonBytes, type Provider, type ProviderName, type PushMessage, type PushTarget, type SendOptions, type SendOutcome } from '../provider.js';
import { deviceMatches, type DeviceMatch } from './device-match.js';

export interface SandboxBehaviour {
  /** Probability the provider's API accepts a send (else a transient `retry`). */
  acceptRate?: number;
  /** Probability an accepted message reaches the device. */
  deliveryRate?: number;
  /** Time from acceptance to arrival on the device. */
  latencyMs?: { min: number; max: number };
}

export interface SandboxOptions {
  acceptRate: number;
  deliveryRate: number;
  latencyMs: { min: number; max: number };
  /** First matching entry wins over the defaults above. */
  byDevice: { match: DeviceMatch; behaviour: SandboxBehaviour }[];
}

/** What the sandbox reports when a simulated message reaches a device. */
export interface SimulatedDelivery {
  provider: ProviderName;
  notificationId: string;
  deviceId: string;
  providerMessageId: string;
  latencyMs: number;
}

export interface SandboxDeps {
  random?: () => number;
  /** Called when a message "arrives"; the ack pipeline turns it into a receipt. */
  onDelivered?: (delivery: SimulatedDelivery) => void;
  /** Simulated API round trip (default 0-2 ms). */
  apiLatencyMs?: { min: number; max: number };
}

/** Payload limits of the real channel each sandbox stands in for. */
const PAYLOAD_LIMITS: Record<ProviderName, number> = {
  apns: 4096, fcm: 4096, jpush: 4000, hms: 4096, xiaomi: 4096, oppo: 4096, vivo: 4096, honor: 4096, webpush: 4096,
};
const BATCH_SIZES: Record<ProviderName, number> = {
  apns: 1, fcm: 500, jpush: 1000, hms: 1000, xiaomi: 1000, oppo: 1000, vivo: 1000, honor: 1000, webpush: 1,
};

export class SandboxProvider implements Provider {
  readonly maxPayloadBytes: number;
  readonly maxBatchSize: number;
  private readonly random: () => number;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(readonly name: ProviderName, private readonly options: SandboxOptions, private readonly deps: SandboxDeps = {}) {
    this.maxPayloadBytes = PAYLOAD_LIMITS[name];
    this.maxBatchSize = BATCH_SIZES[name];
    this.random = deps.random ?? Math.random;
  }

  payloadBytes(message: PushMessage): number {
    // The shape most channels carry: title, body, data and the notification id.
    return jsonBytes({ title: message.title, body: message.body, data: message.data, id: message.notificationId });
  }

  async send(message: PushMessage, targets: readonly PushTarget[], options: SendOptions = {}): Promise<SendOutcome[]> {
    const api = this.deps.apiLatencyMs ?? { min: 0, max: 2 };
    const wait = this.between(api.min, api.max);
    if (wait > 0) {
      try {
        await sleep(wait, undefined, { signal: options.signal });
      } catch {
        return targets.map(() => ({ kind: 'retry', reason: 'aborted' }));
      }
    }
    return targets.map((target) => this.sendOne(message, target));
  }

  private sendOne(message: PushMessage, target: PushTarget): SendOutcome {
    if (target.token.startsWith('invalid')) return { kind: 'invalid-token', reason: 'Unregistered' };
    const behaviour = this.behaviourFor(target);
    if (this.random() >= behaviour.acceptRate) return { kind: 'retry', reason: 'simulated unavailable' };
    const providerMessageId = randomUUID();
    if (this.random() < behaviour.deliveryRate && this.deps.onDelivered) {
      const latencyMs = this.between(behaviour.latencyMs.min, behaviour.latencyMs.max);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        // A message that would arrive after its expiry is dropped, as a real channel would.
        if (Date.now() <= message.expiresAt) {
          this.deps.onDelivered?.({ provider: this.name, notificationId: message.notificationId, deviceId: target.deviceId, providerMessageId, latencyMs });
        }
      }, latencyMs);
      timer.unref();
      this.timers.add(timer);
    }
    return { kind: 'accepted', providerMessageId };
  }

  private behaviourFor(target: PushTarget): Required<SandboxBehaviour> {
    const found = this.options.byDevice.find((entry) => deviceMatches(entry.match, target))?.behaviour ?? {};
    return {
      acceptRate: found.acceptRate ?? this.options.acceptRate,
      deliveryRate: found.deliveryRate ?? this.options.deliveryRate,
      latencyMs: found.latencyMs ?? this.options.latencyMs,
    };
  }

  private between(min: number, max: number): number {
    return Math.round(min + (max - min) * this.random());
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
