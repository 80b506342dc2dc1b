/**
 * What a device must not be able to do: connect without a valid token of its own app (refused with 401
 * before the upgrade), send oversize or garbage frames, or grow the server's memory by not reading.
 * Each is refused or disconnected with its reason, and a well-behaved device beside it is unaffected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { createConnect, signConnectToken } from '../../../src/connect/index.js';
import type { PushMessage } from '../../../providers/provider.js';
import { auth, eventually, OTHER_APP_KEY, testGateway } from '../../support/gateway.js';
import { connectConfig, metricValue, openRaw, registerDevice, startNode, tokenFor, type TestNode } from './connect-helpers.js';

function message(id: string, bytes = 0): PushMessage {
  return { notificationId: id, appId: 'shop', title: 't', data: bytes > 0 ? { blob: 'x'.repeat(bytes) } : {}, priority: 'normal', ttlSeconds: 60, expiresAt: Date.now() + 60_000 };
}

describe('refused and disconnected cleanly', () => {
  let node: TestNode;
  let key: string;
  let bystander: WebSocket;
  let bystanderFrames: unknown[];

  beforeAll(async () => {
    node = await startNode({ connect: { maxFrameBytes: 1_024, maxBufferedBytes: 65_536, maxFramesPerSecond: 20, frameBurst: 100 } });
    key = await registerDevice(node.gw, 'dev-1');
    await registerDevice(node.gw, 'calm');
    const calm = await openRaw(node.url, 'shop', tokenFor('calm', (await node.gw.stores.devices.get('shop', 'calm'))!.key));
    if (!calm.ok) throw new Error('bystander refused');
    bystander = calm.ws;
    bystanderFrames = calm.frames;
  });
  afterAll(async () => {
    bystander.close();
    await node.gw.close();
  });

  /** The bystander still gets what is sent to it after every test. */
  async function bystanderStillServed(id: string): Promise<void> {
    expect(await node.service.deliver('shop', 'calm', message(id))).toBe('online');
    await eventually(async () => (bystanderFrames.some((f) => (f as { notificationId?: string }).notificationId === id) ? true : undefined));
  }

  it('refuses missing, malformed, expired, forged, too long-lived and other-app tokens with 401', async () => {
    const otherKey = (await node.gw.server.inject({ method: 'PUT', url: '/v1/apps/other/devices/dev-1', headers: auth(OTHER_APP_KEY), payload: { platform: 'web' } })).json().deviceKey as string;
    const cases: [string, string | undefined][] = [
      ['missing', undefined],
      ['malformed', 'not-a-token'],
      ['expired', signConnectToken('shop', 'dev-1', key, Date.now() - 1_000)],
      ['forged', signConnectToken('shop', 'dev-1', 'not-the-key', Date.now() + 60_000)],
      ['unknown device', signConnectToken('shop', 'ghost', key, Date.now() + 60_000)],
      ['lives for a week', signConnectToken('shop', 'dev-1', key, Date.now() + 7 * 86_400_000)],
      ['signed for app other', signConnectToken('other', 'dev-1', otherKey, Date.now() + 60_000)],
    ];
    for (const [name, token] of cases) {
      const result = await openRaw(node.url, 'shop', token);
      expect(result.ok, name).toBe(false);
      if (!result.ok) {
        expect(result.status, name).toBe(401);
        expect(JSON.parse(result.body).error.code, name).toBe('unauthorized');
      }
    }
    const unknownApp = await openRaw(node.url, 'nope', tokenFor('dev-1', key, 'nope'));
    expect(unknownApp.ok ? 0 : unknownApp.status).toBe(404);
    // A path that does not even decode is a 404 too, not a crash.
    const undecodable = await openRaw(node.url, '%E0%A4%A', tokenFor('dev-1', key));
    expect(undecodable.ok ? 0 : undecodable.status).toBe(404);
    expect(await metricValue(node.gw, 'pushmux_connect_refusals_total', { reason: 'unauthorized' })).toBe(cases.length);
    await bystanderStillServed('after-auth');
  });

  it('the inbox poll wants the token of the device in the path', async () => {
    const other = await registerDevice(node.gw, 'dev-2');
    const res = await node.gw.server.inject({ method: 'GET', url: '/v1/apps/shop/devices/dev-1/inbox', headers: { authorization: `Device ${tokenFor('dev-2', other)}` } });
    expect(res.statusCode).toBe(401);
    const none = await node.gw.server.inject({ method: 'GET', url: '/v1/apps/shop/devices/dev-1/inbox' });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('unauthorized');
    const own = await node.gw.server.inject({ method: 'GET', url: '/v1/apps/shop/devices/dev-1/inbox', headers: { authorization: `Device ${tokenFor('dev-1', key)}` } });
    expect(own.statusCode).toBe(200);
  });

  it('closes on an oversize frame with 1009', async () => {
    const open = await openRaw(node.url, 'shop', tokenFor('dev-1', key));
    if (!open.ok) throw new Error('refused');
    open.ws.send(JSON.stringify({ type: 'ack', notificationId: 'x', pad: 'y'.repeat(4_096) }));
    expect((await open.closed).code).toBe(1009);
    await eventually(async () => ((await metricValue(node.gw, 'pushmux_disconnects_total', { app: 'shop', reason: 'frame-too-large' })) === 1 ? true : undefined));
    await bystanderStillServed('after-oversize');
  });

  it('closes on garbage with 1008: not JSON, unknown type, binary', async () => {
    for (const garbage of ['{not json', JSON.stringify({ type: 'subscribe', topic: 'all' }), Buffer.from([1, 2, 3])]) {
      const open = await openRaw(node.url, 'shop', tokenFor('dev-1', key));
      if (!open.ok) throw new Error('refused');
      open.ws.send(garbage);
      expect((await open.closed).code).toBe(1008);
    }
    expect(await metricValue(node.gw, 'pushmux_disconnects_total', { app: 'shop', reason: 'bad-frame' })).toBe(3);
    expect(await metricValue(node.gw, 'pushmux_frames_total', { app: 'shop', direction: 'in', type: 'invalid' })).toBe(3);
    await bystanderStillServed('after-garbage');
  });

  it('drops a device that does not read as a slow consumer; its messages stay in the inbox', async () => {
    const open = await openRaw(node.url, 'shop', tokenFor('dev-1', key));
    if (!open.ok) throw new Error('refused');
    await eventually(async () => (open.frames.length > 0 ? true : undefined)); // welcome
    open.ws.pause();
    // Until the kernel's socket buffers fill, the queue stays empty; after that it passes the bound.
    let sent = 0;
    while ((await metricValue(node.gw, 'pushmux_disconnects_total', { app: 'shop', reason: 'slow-consumer' })) === 0) {
      await node.service.deliver('shop', 'dev-1', message(`slow-${sent++}`, 16_384));
      if (sent > 5_000) throw new Error('never dropped');
    }
    open.ws.resume();
    await open.closed;
    expect(node.service.connections).toBe(1); // the bystander
    expect(await node.service.deliver('shop', 'dev-1', message('while-dropped'))).toBe('inbox');
    await bystanderStillServed('after-slow');
  });

  it('drops a device that floods frames (1008, frame-flood) after answering its burst', async () => {
    const open = await openRaw(node.url, 'shop', tokenFor('dev-1', key));
    if (!open.ok) throw new Error('refused');
    await eventually(async () => (open.frames.length > 0 ? true : undefined)); // welcome
    for (let i = 0; i < 1_000; i++) open.ws.send('{"type":"ping"}');
    const closed = await open.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toBe('frame-flood');
    // The burst was served; the rest of the flood never reached the ack path.
    const pongs = open.frames.filter((f) => (f as { type: string }).type === 'pong').length;
    expect(pongs).toBeGreaterThanOrEqual(100);
    expect(pongs).toBeLessThan(300);
    expect(await metricValue(node.gw, 'pushmux_disconnects_total', { app: 'shop', reason: 'frame-flood' })).toBe(1);
    await bystanderStillServed('after-flood');
  });

  it('answers application pings', async () => {
    const open = await openRaw(node.url, 'shop', tokenFor('dev-1', key));
    if (!open.ok) throw new Error('refused');
    open.ws.send('{"type":"ping"}');
    await eventually(async () => (open.frames.some((f) => (f as { type: string }).type === 'pong') ? true : undefined));
    open.ws.close();
  });
});

describe('heartbeats', () => {
  it('drops a socket that stops answering pings (idle-timeout)', async () => {
    const node = await startNode({ connect: { heartbeatIntervalMs: 50, idleTimeoutMs: 120 } });
    try {
      const key = await registerDevice(node.gw, 'sleepy');
      const open = await openRaw(node.url, 'shop', tokenFor('sleepy', key));
      if (!open.ok) throw new Error('refused');
      // A paused socket reads nothing, so it never answers a ping.
      open.ws.pause();
      await eventually(async () => ((await metricValue(node.gw, 'pushmux_disconnects_total', { app: 'shop', reason: 'idle-timeout' })) === 1 ? true : undefined));
      expect(node.service.connections).toBe(0);
      open.ws.terminate();
    } finally {
      await node.gw.close();
    }
  });

  it('a second connection of the same device replaces the first (4000)', async () => {
    const node = await startNode();
    try {
      const key = await registerDevice(node.gw, 'twice');
      const first = await openRaw(node.url, 'shop', tokenFor('twice', key));
      const second = await openRaw(node.url, 'shop', tokenFor('twice', key));
      if (!first.ok || !second.ok) throw new Error('refused');
      expect((await first.closed).code).toBe(4000);
      expect(node.service.connections).toBe(1);
      expect(await node.service.deliver('shop', 'twice', message('to-second'))).toBe('online');
      await eventually(async () => (second.frames.some((f) => (f as { notificationId?: string }).notificationId === 'to-second') ? true : undefined));
      second.ws.close();
    } finally {
      await node.gw.close();
    }
  });
});

describe('the config file tunes the channel', () => {
  it('applies the connect section (here, a 512-byte frame bound)', async () => {
    const gw = await testGateway({ config: { ...connectConfig(), connect: { maxFrameBytes: 512 } }, connect: createConnect });
    try {
      const url = await gw.listen();
      const key = await registerDevice(gw, 'tuned');
      const small = await openRaw(url, 'shop', tokenFor('tuned', key));
      if (!small.ok) throw new Error('refused');
      // 600 bytes: well under the default bound of 4 KiB, over the configured one.
      small.ws.send(JSON.stringify({ type: 'ack', notificationId: 'x', pad: 'y'.repeat(600) }));
      expect((await small.closed).code).toBe(1009);
    } finally {
      await gw.close();
    }
  });
});
