/**
 * Device-signed requests: a device proves it holds the key it got at registration by sending
 * hex(HMAC-SHA256(deviceKey, notificationId)). Nobody without the key can forge an ack and poison the
 * scores; a replayed ack is a duplicate and changes nothing.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function signNotificationId(deviceKey: string, notificationId: string): string {
  return createHmac('sha256', deviceKey).update(notificationId).digest('hex');
}

/** Constant-time check of a presented signature. */
export function verifyNotificationSignature(deviceKey: string, notificationId: string, signature: string): boolean {
  // The format check says nothing about the key; the comparison of the digests is constant-time.
  if (!/^[0-9a-f]{64}$/i.test(signature)) return false;
  return timingSafeEqual(Buffer.from(signNotificationId(deviceKey, notificationId), 'hex'), Buffer.from(signature, 'hex'));
}
