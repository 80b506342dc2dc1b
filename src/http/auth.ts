/**
 * API key authentication. The presented key is compared with timingSafeEqual against every configured
 * key (no early exit), each zero-padded to one fixed width, so response time says nothing about how
 * much of a key matched, nor how long the keys are. (It compared SHA-256 digests before: the same
 * property, at the price of a hash per request.)
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { GatewayConfig, Scope } from '../config/index.js';
import { RequestError } from '../errors/index.js';

interface KeyEntry {
  /** The key's UTF-8 bytes, zero-padded to the comparison width. */
  padded: Buffer;
  bytes: number;
  caller: Caller;
}

export interface Caller {
  app: string;
  keyName?: string;
  scopes: ReadonlySet<Scope>;
}

/** Comparison width floor: below it, the width would hint at the longest key's length. */
const MIN_WIDTH = 128;

export class ApiKeyAuth {
  private readonly keys: KeyEntry[];
  /** Holds the presented key for the comparisons (one request at a time: the handler is synchronous). */
  private readonly presented: Buffer;

  constructor(private readonly config: GatewayConfig) {
    const all = Object.entries(config.apps).flatMap(([app, appConfig]) => appConfig.apiKeys.map((k) => ({ app, k })));
    const width = Math.max(MIN_WIDTH, ...all.map(({ k }) => Buffer.byteLength(k.key, 'utf8')));
    this.presented = Buffer.alloc(width);
    this.keys = all.map(({ app, k }) => {
      const padded = Buffer.alloc(width);
      // The caller is built once per key at start-up (frozen), not per request.
      return { padded, bytes: padded.write(k.key, 'utf8'), caller: Object.freeze({ app, keyName: k.name, scopes: new Set(k.scopes) }) };
    });
  }

  /** The caller behind a bearer key, or undefined. */
  identify(authorization: string | undefined): Caller | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match?.[1]) return undefined;
    // A longer key than the width is compared by its first `width` bytes and then refused by length,
    // so it takes the same time as any other wrong key.
    const bytes = Buffer.byteLength(match[1], 'utf8');
    this.presented.fill(0);
    this.presented.write(match[1], 'utf8');
    let found: KeyEntry | undefined;
    for (const entry of this.keys) {
      const same = timingSafeEqual(entry.padded, this.presented);
      if (same && bytes === entry.bytes && !found) found = entry;
    }
    return found?.caller;
  }

  /**
   * Checks the request may act on `app` with `scope`: 401 without a valid key, 404 for an unknown app,
   * 403 for another app's key or a key without the scope.
   */
  authorize(request: FastifyRequest, app: string, scope: Scope): Caller {
    const caller = this.identify(request.headers.authorization);
    if (!caller) throw new RequestError('unauthorized');
    if (!this.config.apps[app]) throw new RequestError('app_not_found', `No app "${app}"`);
    if (caller.app !== app) throw new RequestError('forbidden', `This API key belongs to another app`);
    if (!caller.scopes.has(scope) && !caller.scopes.has('admin')) {
      throw new RequestError('forbidden', `This API key lacks the "${scope}" scope`);
    }
    return caller;
  }
}
