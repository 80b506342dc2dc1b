/**
 * API key authentication. Keys are compared as SHA-256 digests with timingSafeEqual against every
 * configured key (no early exit), so response time says nothing about how much of a key matched.
 */
import { hash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { GatewayConfig, Scope } from '../config/index.js';
import { RequestError } from '../errors/index.js';

interface KeyEntry {
  digest: Buffer;
  caller: Caller;
}

export interface Caller {
  app: string;
  keyName?: string;
  scopes: ReadonlySet<Scope>;
}

// One-shot hash: no Hash object per request, same SHA-256 digest.
const digest = (value: string): Buffer => hash('sha256', value, 'buffer');

export class ApiKeyAuth {
  private readonly keys: KeyEntry[];

  constructor(private readonly config: GatewayConfig) {
    this.keys = Object.entries(config.apps).flatMap(([app, appConfig]) =>
      appConfig.apiKeys.map((k) => ({ digest: digest(k.key), caller: Object.freeze({ app, keyName: k.name, scopes: new Set(k.scopes) }) })),
    );
  }

  /** The caller behind a bearer key, or undefined. */
  identify(authorization: string | undefined): Caller | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match?.[1]) return undefined;
    const presented = digest(match[1]);
    let found: KeyEntry | undefined;
    for (const entry of this.keys) {
      if (timingSafeEqual(entry.digest, presented) && !found) found = entry;
    }
    // The caller is built once per key at start-up (frozen), not per request.
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
