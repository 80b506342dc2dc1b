/**
 * The client SDK against a real gateway in Node (memory stores): a message reaches the socket, the SDK
 * acks it, and the notification is delivered through the `longconn` channel; an offline device finds
 * its messages in the inbox by polling and by reconnecting; duplicates reach the app once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PushmuxClient, fetchInbox, type PushmuxMessage } from '../../../clients/js/index.js';
import { eventually } from '../../support/gateway.js';
import { deliveryOf, registerDevice, sendTo, startNode, type TestNode } from './connect-helpers.js';

describe('client SDK in Node (memory)', () => {
  let node: TestNode;
  const clients: PushmuxClient[] = [];

  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.stop()));
    await node.gw.close();
  });

  const client = (deviceId: string, deviceKey: string, received: PushmuxMessage[], extra: Partial<ConstructorParameters<typeof PushmuxClient>[0]> = {}) => {
    const c = new PushmuxClient({ url: node.url, app: 'shop', deviceId, deviceKey, onMessage: (m) => void received.push(m), minReconnectDelayMs: 20, maxReconnectDelayMs: 200, ...extra });
    clients.push(c);
    return c;
  };

  it('receives a message on its socket and acks it: delivered via longconn', async () => {
    const key = await registerDevice(node.gw, 'web-1');
    const received: PushmuxMessage[] = [];
    const c = client('web-1', key, received);
    c.start();
    await eventually(async () => (c.readyState === 'connected' ? true : undefined));
    const id = await sendTo(node.gw, ['web-1'], { data: { order: '42' } });
    const message = await eventually(async () => received.find((m) => m.notificationId === id));
    expect(message).toMatchObject({ type: 'message', app: 'shop', title: 'hi', body: 'there', data: { order: '42' } });
    const delivery = await eventually(async () => {
      const d = await deliveryOf(node.gw, id, 'web-1');
      return d.status === 'delivered' ? d : undefined;
    });
    expect(delivery.channel).toBe('longconn');
    expect(delivery.events).toContainEqual(expect.objectContaining({ type: 'ack', channel: 'longconn', source: 'device-ws' }));
    // The ack took it out of the inbox.
    expect(await fetchInbox({ url: node.url, app: 'shop', deviceId: 'web-1', deviceKey: key })).toEqual([]);
  });

  it('an offline device finds the message in its inbox, polling and on connect', async () => {
    const key = await registerDevice(node.gw, 'web-2');
    const id = await sendTo(node.gw, ['web-2']);
    const identity = { url: node.url, app: 'shop', deviceId: 'web-2', deviceKey: key };
    const polled = await eventually(async () => {
      const messages = await fetchInbox(identity);
      return messages.length > 0 ? messages : undefined;
    });
    expect(polled.map((m) => m.notificationId)).toEqual([id]);
    const received: PushmuxMessage[] = [];
    client('web-2', key, received).start();
    await eventually(async () => (received.length > 0 ? true : undefined));
    expect(received.map((m) => m.notificationId)).toEqual([id]);
    await eventually(async () => ((await deliveryOf(node.gw, id, 'web-2')).status === 'delivered' ? true : undefined));
    expect(await fetchInbox(identity)).toEqual([]);
  });

  it('falls back to polling while the socket cannot open, and acks over HTTP', async () => {
    const key = await registerDevice(node.gw, 'web-3');
    const id = await sendTo(node.gw, ['web-3']);
    const received: PushmuxMessage[] = [];
    // A socket URL that refuses every upgrade: the SDK must poll the (real) inbox instead.
    const failing = class {
      readyState = 3;
      onopen = null;
      onmessage = null;
      onerror = null;
      onclose: ((e: { code: number; reason: string }) => void) | null = null;
      constructor() {
        setTimeout(() => this.onclose?.({ code: 1006, reason: '' }), 1);
      }
      send(): void {}
      close(): void {}
    };
    const c = client('web-3', key, received, { WebSocket: failing, pollAfterFailures: 2, pollIntervalMs: 50 });
    c.start();
    await eventually(async () => (received.length > 0 ? true : undefined));
    expect(c.polling).toBe(true);
    expect(received.map((m) => m.notificationId)).toEqual([id]);
    const delivery = await eventually(async () => {
      const d = await deliveryOf(node.gw, id, 'web-3');
      return d.status === 'delivered' ? d : undefined;
    });
    expect(delivery.channel).toBe('longconn');
    expect(delivery.events).toContainEqual(expect.objectContaining({ type: 'ack', source: 'device' }));
    // Polled again after the ack: nothing left, and the app saw the message once.
    await c.poll();
    expect(received).toHaveLength(1);
  });
});
