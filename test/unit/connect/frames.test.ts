import { describe, expect, it } from 'vitest';
import { parseDeviceFrame, toMessageFrame } from '../../../src/connect/index.js';

describe('device frames', () => {
  it('parses acks and pings, nothing else', () => {
    expect(parseDeviceFrame('{"type":"ack","notificationId":"n1"}')).toEqual({ type: 'ack', notificationId: 'n1' });
    expect(parseDeviceFrame('{"type":"ping"}')).toEqual({ type: 'ping' });
    for (const bad of ['', 'null', '[]', '"ack"', '{"type":"ack"}', '{"type":"ack","notificationId":5}', `{"type":"ack","notificationId":"${'x'.repeat(65)}"}`, '{"type":"subscribe"}', '{oops']) {
      expect(parseDeviceFrame(bad), bad).toBeUndefined();
    }
  });

  it('a message frame carries the notification id and the content', () => {
    const frame = toMessageFrame({ notificationId: 'n1', appId: 'shop', title: 't', body: 'b', data: { a: '1' }, priority: 'high', ttlSeconds: 60, expiresAt: 123, collapseKey: 'c' });
    expect(frame).toEqual({ type: 'message', notificationId: 'n1', app: 'shop', title: 't', body: 'b', data: { a: '1' }, priority: 'high', expiresAt: 123, collapseKey: 'c' });
  });
});
