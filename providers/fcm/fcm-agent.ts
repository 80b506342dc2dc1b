import diagnosticsChannel from 'node:diagnostics_channel';
import type { IncomingMessage, ClientRequest } from 'node:http';
import https from 'node:https';
import net, { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { parseRetryAfterMs } from '../resilience/retry-after.js';

/**
 * An https.Agent that sends firebase-admin's requests to a configured origin. firebase-admin builds its
 * URLs from a hard-coded `fcm.googleapis.com` (reference §8) and only honours the `httpAgent` app option
 * on its HTTP/1.1 path, so the agent swaps the socket's destination and keeps everything else (path,
 * Host header, body) as the SDK wrote it. Scoped to one adapter instance: nothing global is patched.
 *
 * An `http:` endpoint gets a plain TCP socket (a local proxy or a plaintext mock).
 */
export class FcmRedirectAgent extends https.Agent {
  private readonly endpoint: URL | undefined;

  constructor(endpoint: URL | undefined, options: { ca?: string | undefined; maxSockets: number }) {
    super({
      keepAlive: true,
      maxSockets: options.maxSockets,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    });
    this.endpoint = endpoint;
  }

  override createConnection(
    options: https.RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const endpoint = this.endpoint;
    if (endpoint === undefined) return super.createConnection(options, callback);
    const host = endpoint.hostname.replace(/^\[(.*)\]$/, '$1');
    if (endpoint.protocol === 'http:') {
      return net.connect({ host, port: Number(endpoint.port || 80) });
    }
    // No SNI for an IP (the certificate is then checked against the IP); the endpoint's name otherwise.
    const servername = isIP(host) ? '' : host;
    return super.createConnection({ ...options, host, port: Number(endpoint.port || 443), servername }, callback);
  }
}

/**
 * Remembers the latest `Retry-After` FCM sent on a 429 or 503 through one agent. firebase-admin turns
 * error answers into errors without their headers, so the hint is read off node's
 * `http.client.response.finish` diagnostics channel (observation only) and applied to the quota and
 * availability errors of the same `sendEach` call. FCM's quota is per project, so the latest hint is
 * the right one for every message of the call.
 */
export class RetryAfterObserver {
  private latest: { delayMs: number; at: number } | undefined;
  private readonly listener: (message: unknown) => void;

  constructor(private readonly agent: https.Agent) {
    this.listener = (message: unknown) => this.onResponse(message as { request?: ClientRequest; response?: IncomingMessage });
    diagnosticsChannel.subscribe('http.client.response.finish', this.listener);
  }

  /** The hint seen since `sinceMs` (a call's start), if any. */
  hintSince(sinceMs: number): number | undefined {
    const latest = this.latest;
    return latest !== undefined && latest.at >= sinceMs ? latest.delayMs : undefined;
  }

  close(): void {
    diagnosticsChannel.unsubscribe('http.client.response.finish', this.listener);
  }

  private onResponse({ request, response }: { request?: ClientRequest; response?: IncomingMessage }): void {
    if (!request || !response || (request as { agent?: unknown }).agent !== this.agent) return;
    if (response.statusCode !== 429 && response.statusCode !== 503) return;
    const delayMs = parseRetryAfterMs(response.headers['retry-after']);
    if (delayMs !== undefined) this.latest = { delayMs, at: Date.now() };
  }
}
