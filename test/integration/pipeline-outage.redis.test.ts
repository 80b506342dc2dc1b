/**
 * A full outage: every gateway is down while ack deadlines fall due. The first instance back finds
 * them long overdue; instead of escalating at once (a text and a second copy to every such device, and
 * a failure scored against channels that may well have delivered), each step waits outageGraceMs for
 * the device's retried ack, and only then moves on.
 */
import { describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { signNotificationId } from '../../src/http/device-signature.js';
import type { DeliveryOutcome, OutcomeSink } from '../../src/pipeline/outcome-sink.js';
import { auth, DEVICES_KEY, eventually, SEND_KEY, testConfigObject, testGateway } from '../support/gateway.js';
import { redisGateways, redisUrl } from '../support/redis.js';

const { prefix, gateways } = redisGateways();

const ACK_DEADLINE_MS = 300;
const LEASE_MS = 1_000;
const GRACE_MS = 1_500;

function config(): Record<string, unknown> {
  const raw = testConfigObject({ pipeline: { concurrency: 8, deadlineTickMs: 20, deadlineLeaseMs: LEASE_MS, outageGraceMs: GRACE_MS } });
  const shop = (raw.apps as Record<string, Record<string, unknown>>).shop!;
  shop.defaults = { ackDeadlineMs: ACK_DEADLINE_MS };
  shop.longConnection = { enabled: false };
  return raw;
}

class RecordedOutcomes implements OutcomeSink {
  readonly seen: { channel: string; outcome: DeliveryOutcome }[] = [];
  record(_app: string, _cls: unknown, channel: string, outcome: DeliveryOutcome): void {
    this.seen.push({ channel, outcome });
  }
}

async function timeline(gw: Gateway, id: string): Promise<{ status: string; events: { type: string; status?: string; reason?: string; channel?: string }[] }> {
  return (await gw.server.inject({ method: 'GET', url: `/v1/apps/shop/notifications/${id}`, headers: auth(SEND_KEY) })).json().devices[0];
}

describe('deadlines that fell while no gateway was running', () => {
  it('wait outageGraceMs for the retried ack, score no failure meanwhile, then escalate', async () => {
    const before = await testGateway({ redisUrl: redisUrl(), keyPrefix: prefix, config: config() });
    gateways.push(before);
    const registered = await before.server.inject({ method: 'PUT', url: '/v1/apps/shop/devices/d1', headers: auth(DEVICES_KEY), payload: { platform: 'android', brand: 'google', tokens: { fcm: 'f1' } } });
    const deviceKey = registered.json().deviceKey as string;
    const send = async () => (await before.server.inject({ method: 'POST', url: '/v1/apps/shop/notifications', headers: auth(SEND_KEY), payload: { to: { deviceIds: ['d1'] }, body: 'x' } })).json().id as string;
    const [acked, silent] = [await send(), await send()];
    for (const id of [acked, silent]) await eventually(async () => ((await timeline(before, id)).status === 'sent' ? true : undefined));

    // Every gateway goes down before the deadlines fall, and stays down past them by more than a lease.
    await before.close();
    gateways.splice(gateways.indexOf(before), 1);
    await new Promise((r) => setTimeout(r, ACK_DEADLINE_MS + LEASE_MS + 300));

    const outcomes = new RecordedOutcomes();
    const after = await testGateway({ redisUrl: redisUrl(), keyPrefix: prefix, config: config(), outcomes });
    gateways.push(after);
    for (const id of [acked, silent]) {
      const waiting = await eventually(async () => {
        const device = await timeline(after, id);
        return device.events.some((e) => e.reason?.includes('waiting again')) ? device : undefined;
      });
      expect(waiting.status).toBe('sent');
      expect(waiting.events.filter((e) => e.type === 'deadline')).toEqual([]);
    }
    expect(outcomes.seen).toEqual([]);
    const metrics = await after.metrics.registry.metrics();
    expect(metrics).toMatch(/pushmux_deadlines_deferred_total\{app="shop",provider="fcm"\} 2/);

    // The device's retried ack lands within the grace: on time, learned as a delivery without the
    // outage as its latency.
    const ack = await after.server.inject({ method: 'POST', url: '/v1/apps/shop/acks', payload: { notificationId: acked, deviceId: 'd1', signature: signNotificationId(deviceKey, acked) } });
    expect(ack.json().result).toBe('delivered');
    expect(outcomes.seen).toEqual([{ channel: 'fcm', outcome: { delivered: true } }]);

    // No ack for the other: once the grace is over, the step fails as any missed deadline does.
    const failed = await eventually(async () => {
      const device = await timeline(after, silent);
      return device.status === 'failed' ? device : undefined;
    }, GRACE_MS + 5_000, 50);
    expect(failed.events.filter((e) => e.type === 'deadline').map((e) => e.channel)).toEqual(['fcm']);
    expect(outcomes.seen).toEqual([{ channel: 'fcm', outcome: { delivered: true } }, { channel: 'fcm', outcome: { delivered: false } }]);
  }, 20_000);
});
