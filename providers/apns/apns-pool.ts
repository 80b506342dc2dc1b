import type { ApnsClient } from 'apns2';
import { Pool, type Dispatcher } from 'undici';

/** Connection settings of the pool that replaces apns2's own. */
export interface ApnsPoolOptions {
  /** Origin to connect to: Apple's host, a regional proxy, or a local mock (`https://127.0.0.1:8443`). */
  endpoint: URL;
  /** Extra CA (PEM) to trust, for a proxy or mock with a private certificate. */
  ca?: string | undefined;
  /** HTTP/2 connections to open. */
  connections: number;
  /** Streams per connection; Apple allows 1,000. */
  maxConcurrentStreams: number;
  /** Per-stream idle timeout: releases a stream whose answer never comes. */
  timeoutMs: number;
  /** Where the adapter offers each request's `apns-id`; none for a bare apns2 client. */
  handoff?: ApnsIdHandoff;
}

/**
 * Hands an `apns-id` to the next request apns2 dispatches. apns2 cannot set request headers, so the pool
 * adds it: APNs echoes it, and it becomes the outcome's `providerMessageId`.
 *
 * The hand-off is synchronous: apns2 12 calls `client.request()` without awaiting anything first, and
 * undici dispatches inside that call, so the id set just before `client.send()` is read by this very
 * request. (An AsyncLocalStorage would survive an `await`, but on Node 20 it switches on promise hooks
 * for the whole process, which cost the gateway more than every other per-push step.) If a future apns2
 * awaits before dispatching, `take()` finds nothing and the send reports no message id rather than a
 * wrong one.
 */
export class ApnsIdHandoff {
  private pending: string | undefined;
  private taken = false;

  /** Runs `send` with `apnsId` offered to its request; answers whether the request took it. */
  offer<T>(apnsId: string, send: () => T): { result: T; stamped: boolean } {
    this.pending = apnsId;
    this.taken = false;
    try {
      const result = send();
      return { result, stamped: this.taken };
    } finally {
      this.pending = undefined;
    }
  }

  /** Called by the pool's dispatch: the offered id, once. */
  take(): string | undefined {
    const id = this.pending;
    if (id !== undefined) {
      this.pending = undefined;
      this.taken = true;
    }
    return id;
  }
}

function isHeaderRecord(headers: Dispatcher.DispatchOptions['headers']): headers is Record<string, string | string[]> {
  return typeof headers === 'object' && headers !== null && !Array.isArray(headers) && !(Symbol.iterator in headers);
}

/** An undici Pool that stamps an offered `apns-id` on the request. Still a Pool, so apns2's pings work. */
class ApnsPool extends Pool {
  constructor(
    origin: string,
    options: Pool.Options,
    private readonly handoff: ApnsIdHandoff | undefined,
  ) {
    super(origin, options);
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    if (this.handoff !== undefined && isHeaderRecord(options.headers)) {
      const apnsId = this.handoff.take();
      if (apnsId !== undefined) return super.dispatch({ ...options, headers: { ...options.headers, 'apns-id': apnsId } }, handler);
    }
    return super.dispatch(options, handler);
  }
}

/**
 * Replaces apns2's connection pool. apns2 12 builds `new Pool(\`https://${host}:443\`)` in its constructor
 * with the port fixed at 443, no TLS options and no timeout (reference/provider-protocols.md §8), so the
 * endpoint cannot be configured and a silent connection hangs a send forever. `client` is `readonly`
 * only in apns2's TypeScript declaration; apns2 reads `this.client` on every send and ping, so swapping
 * the field is enough. This is the one `any` in the providers: there is no typed way to write a field
 * the library declares readonly. The original pool has never connected (undici connects lazily) and is
 * closed here.
 *
 * The pool multiplexes: `pipelining` is raised to the stream limit because undici otherwise runs one
 * request per HTTP/2 connection at a time.
 */
export function installApnsPool(client: ApnsClient, options: ApnsPoolOptions): void {
  const previous = client.client;
  const pool = new ApnsPool(
    options.endpoint.origin,
    {
      allowH2: true,
      connections: options.connections,
      maxConcurrentStreams: options.maxConcurrentStreams,
      pipelining: options.maxConcurrentStreams,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: options.ca === undefined ? {} : { ca: options.ca },
    },
    options.handoff,
  );
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see the function comment.
  (client as any).client = pool;
  void previous.close().catch(() => undefined);
}
