import { Pool } from 'undici';

/** What {@link createProviderPool} reads from an adapter's settings. */
export interface ProviderPoolSettings {
  endpoint: URL;
  connections: number;
  timeoutMs: number;
  ca?: string | undefined;
}

/** The one undici Pool of an adapter's push endpoint: `connections` sockets, every phase bounded by `timeoutMs`. */
export function createProviderPool(settings: ProviderPoolSettings): Pool {
  return new Pool(settings.endpoint.origin, {
    connections: settings.connections,
    headersTimeout: settings.timeoutMs,
    bodyTimeout: settings.timeoutMs,
    connect: settings.ca === undefined ? { timeout: settings.timeoutMs } : { ca: settings.ca, timeout: settings.timeoutMs },
  });
}
