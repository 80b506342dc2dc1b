import { describe, expect, it } from 'vitest';
import { classifyApnsError } from '../../../providers/apns/index.js';
import { classifyFcmError, remainingTtlSeconds } from '../../../providers/fcm/index.js';
import {
  JPushRateLimitState,
  classifyJPushError,
  extractMsgId,
  isIllegalRegistrationId,
  jpushTimeToLive,
} from '../../../providers/jpush/index.js';
import {
  ProviderAbortedError,
  ProviderTimeoutError,
  classifyTransportError,
  withDeadline,
} from '../../../providers/resilience/index.js';
import { message } from './fake-provider.js';

describe('classifyApnsError', () => {
  it.each([
    [400, 'BadDeviceToken', 'invalid-token'],
    [400, 'DeviceTokenNotForTopic', 'invalid-token'],
    [410, 'Unregistered', 'invalid-token'],
    [410, 'ExpiredToken', 'invalid-token'],
    [400, 'BadTopic', 'rejected'],
    [404, 'BadPath', 'rejected'],
    [405, 'MethodNotAllowed', 'rejected'],
    [413, 'PayloadTooLarge', 'rejected'],
    [403, 'InvalidProviderToken', 'auth-error'],
    [403, 'ExpiredProviderToken', 'auth-error'],
    [429, 'TooManyProviderTokenUpdates', 'auth-error'],
    [429, 'TooManyRequests', 'retry'],
    [500, 'InternalServerError', 'retry'],
    [503, 'Shutdown', 'retry'],
  ] as const)('%i %s → %s', (status, reason, kind) => {
    expect(classifyApnsError(status, reason).kind).toBe(kind);
  });

  it('marks per-device throttling so it does not trip the circuit', () => {
    expect(classifyApnsError(429, 'TooManyRequests')).toEqual({ kind: 'retry', reason: 'device-rate-limited' });
  });
});

describe('classifyFcmError', () => {
  it.each([
    ['messaging/registration-token-not-registered', '', 'invalid-token', 'UNREGISTERED'],
    ['messaging/invalid-argument', 'The registration token is not a valid FCM registration token', 'invalid-token', 'INVALID_ARGUMENT'],
    ['messaging/invalid-argument', 'Request contains an invalid argument.', 'rejected', 'INVALID_ARGUMENT'],
    ['messaging/mismatched-credential', 'SenderId mismatch', 'invalid-token', 'SENDER_ID_MISMATCH'],
    ['messaging/mismatched-credential', "Permission 'cloudmessaging.messages.create' denied", 'auth-error', 'PERMISSION_DENIED'],
    ['messaging/third-party-auth-error', 'Auth error from APNS or Web Push Service', 'auth-error', 'THIRD_PARTY_AUTH_ERROR'],
    ['messaging/third-party-auth-error', 'Request had invalid authentication credentials.', 'auth-error', 'UNAUTHENTICATED'],
    ['messaging/internal-error', '', 'retry', 'INTERNAL'],
    ['messaging/payload-size-limit-exceeded', '', 'rejected', 'payload-size-limit-exceeded'],
    ['app/network-timeout', '', 'retry', 'timeout'],
    ['something/new', '', 'retry', 'something/new'],
  ] as const)('%s (%s) → %s %s', (code, text, kind, reason) => {
    expect(classifyFcmError({ code, message: text })).toMatchObject({ kind, reason });
  });

  it('gives Retry-After to quota and availability errors only', () => {
    expect(classifyFcmError({ code: 'messaging/message-rate-exceeded' }, 7_000)).toEqual({ kind: 'retry', reason: 'QUOTA_EXCEEDED', retryAfterMs: 7_000 });
    expect(classifyFcmError({ code: 'messaging/server-unavailable' }, 2_000)).toEqual({ kind: 'retry', reason: 'UNAVAILABLE', retryAfterMs: 2_000 });
    expect(classifyFcmError({ code: 'messaging/internal-error' }, 2_000)).toEqual({ kind: 'retry', reason: 'INTERNAL' });
  });
});

describe('classifyJPushError', () => {
  it.each([
    [400, 1011, 'invalid-token'],
    [429, 2002, 'retry'],
    [429, undefined, 'retry'],
    [401, 1004, 'auth-error'],
    [400, 1008, 'auth-error'],
    [403, 2003, 'auth-error'],
    [500, 1000, 'retry'],
    [503, 1030, 'retry'],
    [502, undefined, 'retry'],
    [400, 1005, 'rejected'],
    [404, 1020, 'rejected'],
  ] as const)('%i code %s → %s', (status, code, kind) => {
    expect(classifyJPushError(status, code).kind).toBe(kind);
  });

  it('carries the rate-limit reset on 2002', () => {
    expect(classifyJPushError(429, 2002, 12_000)).toEqual({ kind: 'retry', reason: 'jpush-2002', retryAfterMs: 12_000 });
  });

  it('recognises an illegal registration id', () => {
    expect(isIllegalRegistrationId(1003, 'registration_id is illegal')).toBe(true);
    expect(isIllegalRegistrationId(1003, 'time_to_live is invalid')).toBe(false);
    expect(isIllegalRegistrationId(1011, 'registration_id')).toBe(false);
  });
});

describe('JPushRateLimitState', () => {
  it('holds back once Remaining is 0 until the window resets', () => {
    const state = new JPushRateLimitState();
    state.update({ 'x-rate-limit-quota': '600', 'x-rate-limit-remaining': '1', 'x-rate-limit-reset': '30' }, 0);
    expect(state.blockedForMs(0)).toBe(0);
    state.update({ 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '20' }, 10_000);
    expect(state.blockedForMs(15_000)).toBe(15_000);
    expect(state.resetInMs(15_000)).toBe(15_000);
    expect(state.blockedForMs(30_000)).toBe(0);
    expect(state.remaining).toBeUndefined();
  });

  it('ignores missing or malformed headers', () => {
    const state = new JPushRateLimitState();
    state.update({ 'x-rate-limit-remaining': 'lots' });
    expect(state.remaining).toBeUndefined();
    expect(state.blockedForMs()).toBe(0);
  });
});

describe('TTL helpers', () => {
  it('shortens the TTL to the expiry and caps it per provider', () => {
    const now = 1_000_000;
    expect(remainingTtlSeconds(message({ ttlSeconds: 3600, expiresAt: now + 60_500 }), now)).toBe(60);
    expect(remainingTtlSeconds(message({ ttlSeconds: 90 * 86_400, expiresAt: now + 100 * 86_400_000 }), now)).toBe(28 * 86_400);
    expect(jpushTimeToLive(message({ ttlSeconds: 30 * 86_400, expiresAt: now + 40 * 86_400_000 }), now)).toBe(3 * 86_400);
    expect(jpushTimeToLive(message({ ttlSeconds: 60, expiresAt: now - 1 }), now)).toBe(0);
  });
});

describe('extractMsgId', () => {
  it('keeps an int64 exact, quoted or not', () => {
    expect(extractMsgId('{"sendno":"0","msg_id":"18100417406720637"}')).toBe('18100417406720637');
    expect(extractMsgId('{"sendno":"0","msg_id":18100417406720637}')).toBe('18100417406720637');
    expect(extractMsgId('{"error":{"code":1011}}')).toBeUndefined();
  });
});

describe('classifyTransportError', () => {
  it.each([
    [new ProviderTimeoutError('apns', 10), { kind: 'retry', reason: 'timeout' }],
    [new ProviderAbortedError('apns'), { kind: 'retry', reason: 'aborted' }],
    [Object.assign(new Error('reset'), { code: 'ECONNRESET' }), { kind: 'retry', reason: 'network:ECONNRESET' }],
    [Object.assign(new Error('headers'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), { kind: 'retry', reason: 'timeout' }],
    [Object.assign(new Error('wrapped'), { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }), { kind: 'retry', reason: 'network:ECONNREFUSED' }],
    [Object.assign(new Error('tls'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), { kind: 'auth-error', reason: 'tls:DEPTH_ZERO_SELF_SIGNED_CERT' }],
    [new Error('mystery'), { kind: 'retry', reason: 'network' }],
  ])('%s', (error, expected) => {
    expect(classifyTransportError(error)).toEqual(expected);
  });
});

describe('withDeadline', () => {
  it('answers the work, or a timeout, or the caller abort', async () => {
    expect(await withDeadline(async () => 'ok', { provider: 'x', timeoutMs: 100 })).toBe('ok');
    await expect(withDeadline(() => new Promise(() => undefined), { provider: 'x', timeoutMs: 10 })).rejects.toBeInstanceOf(ProviderTimeoutError);
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const running = withDeadline((signal) => {
      seen = signal;
      return new Promise(() => undefined);
    }, { provider: 'x', timeoutMs: 1_000, signal: controller.signal });
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(ProviderAbortedError);
    expect(seen?.aborted).toBe(true);
  });

  it('makes no signal for work that cannot use one', async () => {
    let seen: AbortSignal | undefined = new AbortController().signal;
    await withDeadline(async (signal) => {
      seen = signal;
    }, { provider: 'x', timeoutMs: 100, cancellable: false });
    expect(seen).toBeUndefined();
  });
});
