import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  TokenFeedbackReporter,
  type TokenFeedbackDropReason,
  type TokenFeedbackEvent,
  type TokenFeedbackReporterOptions,
} from '../../../src/pipeline/token-feedback.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: unknown;
  at: number;
}

/** A webhook receiver: answers the scripted statuses in order, then 200. */
class Webhook {
  readonly received: Received[] = [];
  readonly answers: { status: number; headers?: Record<string, string> }[] = [];
  url = '';
  private server: Server | undefined;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')), at: Date.now() });
        const answer = this.answers.shift() ?? { status: 200 };
        res.writeHead(answer.status, answer.headers ?? {});
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/pushmux/feedback`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

const EVENT = { app: 'shop', deviceId: 'dev-1', provider: 'apns' as const, token: 'ab'.repeat(32), reason: 'Unregistered' };

describe('TokenFeedbackReporter', () => {
  const webhook = new Webhook();
  let dropped: { event: TokenFeedbackEvent; reason: TokenFeedbackDropReason }[];
  let delivered: TokenFeedbackEvent[];

  function reporter(extra: Partial<TokenFeedbackReporterOptions> = {}): TokenFeedbackReporter {
    return new TokenFeedbackReporter({
      webhookFor: (app) => (app === 'shop' ? { url: webhook.url, secret: 's3cret-value' } : undefined),
      backoff: { baseMs: 5, maxMs: 20 },
      onDropped: (event, reason) => dropped.push({ event, reason }),
      onDelivered: (event) => delivered.push(event),
      ...extra,
    });
  }

  beforeAll(() => webhook.start());
  afterAll(() => webhook.stop());
  beforeEach(() => {
    webhook.received.length = 0;
    webhook.answers.length = 0;
    dropped = [];
    delivered = [];
  });

  it('POSTs the event as JSON with the secret header', async () => {
    const r = reporter();
    expect(r.report({ ...EVENT, at: new Date('2025-05-01T10:00:00Z') })).toBe(true);
    await r.close();
    expect(webhook.received).toHaveLength(1);
    expect(webhook.received[0]?.headers['x-pushmux-secret']).toBe('s3cret-value');
    expect(webhook.received[0]?.headers['content-type']).toBe('application/json');
    expect(webhook.received[0]?.body).toEqual({ ...EVENT, at: '2025-05-01T10:00:00.000Z' });
    expect(delivered).toHaveLength(1);
  });

  it('retries 5xx and network-level failures with backoff until delivered', async () => {
    webhook.answers.push({ status: 503 }, { status: 500 });
    const r = reporter();
    r.report(EVENT);
    await r.close();
    expect(webhook.received).toHaveLength(3);
    expect(delivered).toHaveLength(1);
    expect(dropped).toEqual([]);
  });

  it('waits at least Retry-After before the next try', async () => {
    webhook.answers.push({ status: 429, headers: { 'retry-after': '0.05' } });
    const r = reporter({ backoff: { baseMs: 1, maxMs: 1_000 } });
    r.report(EVENT);
    await r.close();
    const [first, second] = webhook.received;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(45);
  });

  it('drops an event the webhook refuses with a 4xx, without retrying', async () => {
    webhook.answers.push({ status: 401 });
    const warnings: object[] = [];
    const r = reporter({ logger: { warn: (obj) => warnings.push(obj) } });
    r.report(EVENT);
    await r.close();
    expect(webhook.received).toHaveLength(1);
    expect(dropped.map((d) => d.reason)).toEqual(['refused']);
    expect(JSON.stringify(warnings)).not.toContain(EVENT.token);
  });

  it('gives up after maxAttempts', async () => {
    webhook.answers.push({ status: 500 }, { status: 500 }, { status: 500 });
    const r = reporter({ maxAttempts: 2 });
    r.report(EVENT);
    await r.close();
    expect(webhook.received).toHaveLength(2);
    expect(dropped.map((d) => d.reason)).toEqual(['gave-up']);
  });

  it('takes epoch milliseconds for `at`, as the delivery worker reports it', async () => {
    const r = reporter();
    r.report({ ...EVENT, at: Date.parse('2025-05-01T10:00:00Z') });
    await r.close();
    expect(webhook.received[0]?.body).toMatchObject({ at: '2025-05-01T10:00:00.000Z' });
  });

  it('ignores apps without a webhook', async () => {
    const r = reporter();
    expect(r.report({ ...EVENT, app: 'other' })).toBe(false);
    await r.close();
    expect(webhook.received).toHaveLength(0);
  });

  it('bounds its queue and never blocks the caller', async () => {
    const r = reporter({ maxQueue: 2, concurrency: 1 });
    const results = [r.report(EVENT), r.report(EVENT), r.report(EVENT)];
    expect(results).toEqual([true, true, false]);
    expect(dropped.map((d) => d.reason)).toEqual(['queue-full']);
    await r.close();
    expect(webhook.received).toHaveLength(2);
  });

  it('drains on close, and refuses events after it', async () => {
    const r = reporter({ concurrency: 2 });
    for (let i = 0; i < 10; i += 1) r.report({ ...EVENT, deviceId: `dev-${i}` });
    expect(r.pending).toBe(10);
    await r.close();
    expect(r.pending).toBe(0);
    expect(webhook.received).toHaveLength(10);
    expect(r.report(EVENT)).toBe(false);
  });

  it('drops what is left at the close deadline when the webhook stays down', async () => {
    const r = new TokenFeedbackReporter({
      webhookFor: () => ({ url: 'http://127.0.0.1:1/unreachable', secret: 'x'.repeat(8) }),
      backoff: { baseMs: 50, maxMs: 100 },
      maxAttempts: 100,
      onDropped: (event, reason) => dropped.push({ event, reason }),
    });
    r.report(EVENT);
    r.report(EVENT);
    await r.close(150);
    expect(r.pending).toBe(0);
    expect(dropped.map((d) => d.reason)).toEqual(['closed', 'closed']);
  });
});
