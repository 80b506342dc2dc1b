import type { Provider, ProviderName, PushMessage, PushTarget, SendOptions, SendOutcome } from '../../../providers/provider.js';

/** What the fake answers for one call: outcomes per target, a function of the call, or a hang. */
export type FakeAnswer =
  | SendOutcome
  | ((targets: readonly PushTarget[], signal: AbortSignal | undefined) => Promise<SendOutcome[]> | SendOutcome[])
  | 'hang';

/** A scripted in-memory Provider for unit tests of the decorators around adapters. */
export class FakeProvider implements Provider {
  readonly name: ProviderName;
  readonly maxPayloadBytes = 4096;
  readonly maxBatchSize: number;
  readonly calls: { targets: string[]; at: number }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  closed = false;
  private readonly script: FakeAnswer[] = [];
  private fallback: FakeAnswer = { kind: 'accepted', providerMessageId: 'm' };

  constructor(name: ProviderName = 'apns', maxBatchSize = 1) {
    this.name = name;
    this.maxBatchSize = maxBatchSize;
  }

  /** Queues answers for the next calls, in order. */
  next(...answers: FakeAnswer[]): this {
    this.script.push(...answers);
    return this;
  }

  /** The answer once the script is used up. */
  always(answer: FakeAnswer): this {
    this.fallback = answer;
    return this;
  }

  payloadBytes(message: PushMessage): number {
    return JSON.stringify(message).length;
  }

  async send(_message: PushMessage, targets: readonly PushTarget[], options?: SendOptions): Promise<SendOutcome[]> {
    this.calls.push({ targets: targets.map((t) => t.token), at: Date.now() });
    const answer = this.script.shift() ?? this.fallback;
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (answer === 'hang') return await new Promise<never>(() => undefined);
      if (typeof answer === 'function') return await answer(targets, options?.signal);
      return targets.map(() => answer);
    } finally {
      this.inFlight -= 1;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A message that expires far in the future. */
export function message(overrides: Partial<PushMessage> = {}): PushMessage {
  return {
    notificationId: 'n-1',
    appId: 'shop',
    title: 'Hello',
    body: 'World',
    data: { k: 'v' },
    priority: 'high',
    ttlSeconds: 3600,
    expiresAt: Date.now() + 3_600_000,
    ...overrides,
  };
}

/** `count` targets with tokens t0, t1, ... */
export function targets(count: number, platform: PushTarget['platform'] = 'ios'): PushTarget[] {
  return Array.from({ length: count }, (_, i) => ({ deviceId: `d${i}`, token: `t${i}`, platform }));
}
