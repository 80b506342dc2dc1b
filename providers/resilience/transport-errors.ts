import type { SendOutcome } from '../provider.js';
import { ProviderAbortedError, ProviderTimeoutError } from './provider-errors.js';

/** Socket-level failures that a later attempt (often on a new connection) can get past. */
const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_HTTP2_STREAM_ERROR',
  'ERR_HTTP2_SESSION_ERROR',
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_STREAM_CANCEL',
  'ERR_HTTP2_INVALID_SESSION',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_ABORTED',
  'UND_ERR_INFO',
]);

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Classifies an error thrown by a transport (not a provider's answer): timeouts and resets are `retry`;
 * a TLS certificate problem is `auth-error`, since no retry fixes a wrong endpoint or CA. The reason is
 * a short stable token (`timeout`, `network:ECONNRESET`, `tls:CERT_HAS_EXPIRED`) fit for a metric label.
 */
export function classifyTransportError(error: unknown): SendOutcome {
  if (error instanceof ProviderTimeoutError) return { kind: 'retry', reason: 'timeout' };
  if (error instanceof ProviderAbortedError) return { kind: 'retry', reason: 'aborted' };
  // undici and node wrap the socket error; the innermost code is the informative one.
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined; depth += 1) {
    const code = errorCode(current);
    if (code !== undefined) {
      if (code.startsWith('CERT_') || code.includes('SELF_SIGNED') || code.startsWith('ERR_TLS_') || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE') {
        return { kind: 'auth-error', reason: `tls:${code}` };
      }
      if (TRANSIENT_CODES.has(code)) {
        if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'ETIMEDOUT') {
          return { kind: 'retry', reason: 'timeout' };
        }
        return { kind: 'retry', reason: `network:${code}` };
      }
    }
    current = (current as { cause?: unknown } | null)?.cause;
  }
  const code = errorCode(error);
  return { kind: 'retry', reason: code ? `network:${code}` : 'network' };
}
