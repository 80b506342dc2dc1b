/**
 * SMS in /metrics, through the gateway against the Twilio mock: every call to the SMS service (a
 * retried one too) is a provider attempt with its latency, and an opened circuit shows in the circuit
 * gauge, all labelled provider="sms" like the push adapters' series (never "twilio": the service is
 * config, not a label).
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../src/gateway.js';
import { TWILIO_TEST_ACCOUNT_SID, TWILIO_TEST_AUTH_TOKEN, TWILIO_TEST_FROM, TwilioMock } from '../../mocks/twilio-mock.js';
import { auth, DEVICES_KEY, eventually, SEND_KEY, testConfigObject, testGateway } from '../../support/gateway.js';

let gw: Gateway;
let mock: TwilioMock;

beforeAll(async () => {
  mock = await TwilioMock.start();
  const raw = testConfigObject({ pipeline: { concurrency: 8, deadlineTickMs: 20 } });
  const shop = (raw.apps as Record<string, Record<string, unknown>>).shop!;
  shop.longConnection = { enabled: false };
  shop.defaults = { ackDeadlineMs: 5_000 };
  shop.sms = {
    perPhonePerHour: 100,
    twilio: {
      accountSid: TWILIO_TEST_ACCOUNT_SID, authToken: TWILIO_TEST_AUTH_TOKEN, from: TWILIO_TEST_FROM,
      endpoint: mock.url, ca: mock.ca, timeoutMs: 2_000, maxAttempts: 3, breakerThreshold: 2, halfOpenAfterMs: 60_000,
    },
  };
  gw = await testGateway({ config: raw });
  const res = await gw.server.inject({ method: 'PUT', url: '/v1/apps/shop/devices/phone-1', headers: auth(DEVICES_KEY), payload: { platform: 'android', brand: 'nokia', phone: '+4915112345678', tokens: {} } });
  expect(res.statusCode).toBe(201);
});
afterAll(async () => {
  await gw?.close();
  await mock?.stop();
});

const inject = (opts: InjectOptions) => gw.server.inject(opts);

/** Sends a text-only notification and waits for its SMS attempt to be in the timeline. */
async function text(): Promise<{ outcome: string; reason?: string }> {
  const id = (await inject({ method: 'POST', url: '/v1/apps/shop/notifications', headers: auth(SEND_KEY), payload: { to: { deviceIds: ['phone-1'] }, body: 'x', sms: { text: 'Your code is 1234' } } })).json().id as string;
  return eventually(async () => {
    const device = (await inject({ method: 'GET', url: `/v1/apps/shop/notifications/${id}`, headers: auth(SEND_KEY) })).json().devices[0];
    return (device.events as { type: string; channel: string; outcome: string; reason?: string }[]).find((e) => e.type === 'attempt' && e.channel === 'sms');
  });
}

/** The value of one series of /metrics, 0 when absent. */
async function sample(name: string, labels: string): Promise<number> {
  const body = (await inject({ method: 'GET', url: '/metrics' })).body;
  const line = body.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('SMS metrics', () => {
  it('counts each call of a retried text by outcome, with its latency, as provider="sms"', async () => {
    mock.script.next({ status: 429, code: 20429, retryAfter: '0' });
    expect(await text()).toMatchObject({ outcome: 'accepted' });
    expect(mock.requests.map((r) => r.status)).toEqual([429, 201]);
    expect(await sample('pushmux_provider_attempts_total', 'app="shop",provider="sms",outcome="retry"')).toBe(1);
    expect(await sample('pushmux_provider_attempts_total', 'app="shop",provider="sms",outcome="accepted"')).toBe(1);
    expect(await sample('pushmux_provider_send_duration_seconds_count', 'app="shop",provider="sms"')).toBe(2);
    expect(await sample('pushmux_provider_circuit_open', 'app="shop",provider="sms"')).toBe(0);
  });

  it('shows the circuit open after consecutive failures, and no label names the SMS service', async () => {
    mock.reset();
    mock.script.next({ status: 503, code: 20500 }, { status: 503, code: 20500 });
    // Two failed calls open the circuit (breakerThreshold 2); the third try is refused without a call.
    expect(await text()).toMatchObject({ outcome: 'retry', reason: 'circuit-open' });
    expect(mock.requests).toHaveLength(2);
    expect(await sample('pushmux_provider_circuit_open', 'app="shop",provider="sms"')).toBe(1);
    expect(await sample('pushmux_provider_attempts_total', 'app="shop",provider="sms",outcome="retry"')).toBe(3);
    expect((await inject({ method: 'GET', url: '/metrics' })).body).not.toMatch(/provider="(twilio|aliyun|webhook)"/);
  });
});
