import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  ResilientProvider,
  type AttemptEvent,
  type CircuitStateEvent,
  type ResilienceOptions,
} from '../../../providers/resilience/index.js';
import { FakeProvider, message, targets } from './fake-provider.js';

function wrap(inner: FakeProvider, options: Partial<ResilienceOptions> = {}): ResilientProvider {
  return new ResilientProvider(inner, {
    appId: 'shop',
    backoff: { baseMs: 1, maxMs: 4 },
    timeoutMs: 1_000,
    ...options,
  });
}

describe('ResilientProvider', () => {
  it('passes through accepted outcomes and reports the attempt', async () => {
    const events: AttemptEvent[] = [];
    const provider = wrap(new FakeProvider('fcm', 500), { hooks: { onAttempt: (e) => events.push(e) } });
    const outcomes = await provider.send(message(), targets(3));
    expect(outcomes).toEqual(Array(3).fill({ kind: 'accepted', providerMessageId: 'm' }));
    expect(events).toEqual([
      { app: 'shop', provider: 'fcm', outcome: 'accepted', count: 3, latencyMs: expect.any(Number), attempt: 1 },
    ]);
    expect(provider.name).toBe('fcm');
    expect(provider.maxBatchSize).toBe(500);
  });

  it('retries only the targets that came back retry, up to maxAttempts', async () => {
    const inner = new FakeProvider('jpush', 1000).next(
      (ts) => ts.map((t) => (t.token === 't1' ? { kind: 'retry', reason: 'http-503' } : { kind: 'accepted' })),
      { kind: 'retry', reason: 'http-503' },
      { kind: 'accepted', providerMessageId: 'late' },
    );
    const outcomes = await wrap(inner, { maxAttempts: 3 }).send(message(), targets(3));
    expect(inner.calls.map((c) => c.targets)).toEqual([['t0', 't1', 't2'], ['t1'], ['t1']]);
    expect(outcomes[1]).toEqual({ kind: 'accepted', providerMessageId: 'late' });
  });

  it('gives up after maxAttempts with the last retry outcome', async () => {
    const inner = new FakeProvider().always({ kind: 'retry', reason: 'http-500' });
    const outcomes = await wrap(inner, { maxAttempts: 2 }).send(message(), targets(1));
    expect(inner.calls).toHaveLength(2);
    expect(outcomes).toEqual([{ kind: 'retry', reason: 'http-500' }]);
  });

  it.each([
    { kind: 'invalid-token', reason: 'Unregistered' },
    { kind: 'rejected', reason: 'BadTopic' },
    { kind: 'auth-error', reason: 'InvalidProviderToken' },
  ] as const)('never retries $kind', async (outcome) => {
    const inner = new FakeProvider().always(outcome);
    const outcomes = await wrap(inner).send(message(), targets(1));
    expect(inner.calls).toHaveLength(1);
    expect(outcomes).toEqual([outcome]);
  });

  it('waits at least Retry-After before retrying', async () => {
    const inner = new FakeProvider().next({ kind: 'retry', reason: 'http-429', retryAfterMs: 40 });
    const outcomes = await wrap(inner).send(message(), targets(1));
    expect(outcomes).toEqual([{ kind: 'accepted', providerMessageId: 'm' }]);
    const [first, second] = inner.calls;
    // A lower bound guaranteed by the timer, not a performance assertion.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(38);
  });

  it('hands a long Retry-After back to the caller instead of waiting', async () => {
    const inner = new FakeProvider().always({ kind: 'retry', reason: 'http-429', retryAfterMs: 60_000 });
    const outcomes = await wrap(inner, { maxRetryDelayMs: 1_000 }).send(message(), targets(1));
    expect(inner.calls).toHaveLength(1);
    expect(outcomes).toEqual([{ kind: 'retry', reason: 'http-429', retryAfterMs: 60_000 }]);
  });

  it('does not retry past the message expiry', async () => {
    const inner = new FakeProvider().always({ kind: 'retry', reason: 'http-503', retryAfterMs: 500 });
    await wrap(inner).send(message({ expiresAt: Date.now() + 100 }), targets(1));
    expect(inner.calls).toHaveLength(1);
  });

  it('times out a call that never answers', async () => {
    const inner = new FakeProvider().always('hang');
    const outcomes = await wrap(inner, { timeoutMs: 30, maxAttempts: 2 }).send(message(), targets(2));
    expect(outcomes).toEqual(Array(2).fill({ kind: 'retry', reason: 'timeout' }));
    expect(inner.calls).toHaveLength(2);
  });

  it('passes an abort signal to the adapter and answers aborted', async () => {
    const controller = new AbortController();
    let adapterSignal: AbortSignal | undefined;
    const inner = new FakeProvider().always((ts, signal) => {
      adapterSignal = signal;
      controller.abort();
      return new Promise(() => undefined);
    });
    // The fake ignores the signal, so the backstop timeout ends the call; a real adapter returns at once.
    const outcomes = await wrap(inner, { timeoutMs: 30 }).send(message(), targets(1), { signal: controller.signal });
    expect(outcomes).toEqual([{ kind: 'retry', reason: 'aborted' }]);
    expect(adapterSignal?.aborted).toBe(true);
    expect(inner.calls).toHaveLength(1);
  });

  it('treats an adapter that throws as a transient failure', async () => {
    const inner = new FakeProvider().always(() => {
      throw new Error('bug');
    });
    const outcomes = await wrap(inner, { maxAttempts: 1 }).send(message(), targets(1));
    expect(outcomes).toEqual([{ kind: 'retry', reason: 'provider-threw' }]);
  });

  it('opens the circuit on repeated failures, skips the provider, then half-opens and closes', async () => {
    const states: CircuitStateEvent[] = [];
    const inner = new FakeProvider().always({ kind: 'retry', reason: 'http-503' });
    const provider = wrap(inner, {
      maxAttempts: 1,
      breakerThreshold: 2,
      halfOpenAfterMs: 50,
      hooks: { onCircuitState: (e) => states.push(e) },
    });
    await provider.send(message(), targets(1));
    expect(provider.isAvailable()).toBe(true);
    await provider.send(message(), targets(1));
    expect(provider.isAvailable()).toBe(false);
    expect(provider.circuitState).toBe('open');

    const skipped = await provider.send(message(), targets(2));
    expect(skipped).toEqual(Array(2).fill({ kind: 'retry', reason: 'circuit-open' }));
    expect(inner.calls).toHaveLength(2);

    await sleep(60);
    expect(provider.isAvailable()).toBe(true);
    inner.always({ kind: 'accepted' });
    expect(await provider.send(message(), targets(1))).toEqual([{ kind: 'accepted' }]);
    expect(provider.circuitState).toBe('closed');
    expect(states.map((s) => s.state)).toEqual(['open', 'half-open', 'closed']);
    expect(states[0]).toEqual({ app: 'shop', provider: 'apns', state: 'open' });
  });

  it('opens on auth errors and re-opens when the half-open trial fails', async () => {
    const inner = new FakeProvider().always({ kind: 'auth-error', reason: 'InvalidProviderToken' });
    const provider = wrap(inner, { breakerThreshold: 1, halfOpenAfterMs: 30 });
    await provider.send(message(), targets(1));
    expect(provider.circuitState).toBe('open');
    await sleep(40);
    await provider.send(message(), targets(1));
    expect(inner.calls).toHaveLength(2);
    expect(provider.circuitState).toBe('open');
    expect(provider.isAvailable()).toBe(false);
  });

  it('does not count invalid tokens or per-device throttling as provider failures', async () => {
    const inner = new FakeProvider().next(
      { kind: 'invalid-token', reason: 'Unregistered' },
      { kind: 'retry', reason: 'device-rate-limited' },
      { kind: 'invalid-token', reason: 'BadDeviceToken' },
    );
    const provider = wrap(inner, { breakerThreshold: 1, maxAttempts: 1 });
    for (let i = 0; i < 3; i += 1) await provider.send(message(), targets(1));
    expect(provider.circuitState).toBe('closed');
  });

  it('limits concurrent provider calls', async () => {
    const inner = new FakeProvider().always(async (ts) => {
      await sleep(5);
      return ts.map(() => ({ kind: 'accepted' as const }));
    });
    const provider = wrap(inner, { concurrency: 2 });
    await Promise.all(Array.from({ length: 10 }, () => provider.send(message(), targets(1))));
    expect(inner.calls).toHaveLength(10);
    expect(inner.maxInFlight).toBe(2);
  });

  it('answers overloaded when the wait queue is full', async () => {
    const inner = new FakeProvider().always(async (ts) => {
      await sleep(20);
      return ts.map(() => ({ kind: 'accepted' as const }));
    });
    const provider = wrap(inner, { concurrency: 1, queueLimit: 0 });
    const [first, second] = await Promise.all([
      provider.send(message(), targets(1)),
      provider.send(message(), targets(1)),
    ]);
    expect(first).toEqual([{ kind: 'accepted' }]);
    expect(second).toEqual([{ kind: 'retry', reason: 'overloaded' }]);
    expect(provider.circuitState).toBe('closed');
  });

  it('applies the rate limit per call', async () => {
    const inner = new FakeProvider();
    // 60,000/min = 1 per ms, burst 1000: 5 calls go at once; this checks they all pass the limiter.
    const provider = wrap(inner, { ratePerMinute: 60_000 });
    await Promise.all(Array.from({ length: 5 }, () => provider.send(message(), targets(1))));
    expect(inner.calls).toHaveLength(5);
  });

  it('ignores hooks that throw', async () => {
    const provider = wrap(new FakeProvider(), {
      hooks: {
        onAttempt: () => {
          throw new Error('metrics down');
        },
      },
    });
    expect(await provider.send(message(), targets(1))).toEqual([{ kind: 'accepted', providerMessageId: 'm' }]);
  });

  it('closes the adapter and stops sending', async () => {
    const inner = new FakeProvider();
    const provider = wrap(inner);
    await provider.close();
    expect(inner.closed).toBe(true);
    expect(provider.isAvailable()).toBe(false);
    expect(await provider.send(message(), targets(1))).toEqual([{ kind: 'retry', reason: 'provider-closed' }]);
  });
});
