/**
 * CORS for the device routes only: a page on an app's configured origin (`apps.<id>.browserOrigins`)
 * may post acks and poll its device's inbox with the JS SDK. The API-key routes are for servers and
 * never answer CORS, so a browser page can never use an API key against the gateway. Uses
 * @fastify/cors with a per-request decision.
 */
import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GatewayConfig } from '../config/index.js';

/** POST /v1/apps/:app/acks and GET /v1/apps/:app/devices/:deviceId/inbox (with or without a query). */
const DEVICE_ROUTE = /^\/v1\/apps\/([^/?]+)\/(?:acks|devices\/[^/?]+\/inbox)(?:\?|$)/;

const DEVICE_CORS: FastifyCorsOptions = {
  methods: ['GET', 'POST'],
  allowedHeaders: ['content-type', 'authorization'],
  // Browsers cache the preflight this long (seconds): one per page, not one per ack.
  maxAge: 600,
};

/** The origins allowed per app; empty when no app has any (then nothing is registered). */
export function browserOriginsByApp(config: GatewayConfig): Map<string, ReadonlySet<string>> {
  const byApp = new Map<string, ReadonlySet<string>>();
  for (const [app, appConfig] of Object.entries(config.apps)) {
    if (appConfig.browserOrigins.length > 0) byApp.set(app, new Set(appConfig.browserOrigins));
  }
  return byApp;
}

/** The CORS answer for one request: the device routes of an app that lists the request's origin. */
export function deviceCorsFor(byApp: ReadonlyMap<string, ReadonlySet<string>>, url: string, origin: string | undefined): FastifyCorsOptions | undefined {
  if (!origin) return undefined;
  const match = DEVICE_ROUTE.exec(url);
  if (!match?.[1]) return undefined;
  let app: string;
  try {
    app = decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
  return byApp.get(app)?.has(origin) ? { ...DEVICE_CORS, origin } : undefined;
}

/** Registers CORS for the device routes when some app names browser origins. */
export async function registerDeviceCors(app: FastifyInstance, config: GatewayConfig): Promise<void> {
  const byApp = browserOriginsByApp(config);
  if (byApp.size === 0) return;
  await app.register(cors, () => (request: FastifyRequest, callback: (error: Error | null, options: FastifyCorsOptions) => void) => {
    callback(null, deviceCorsFor(byApp, request.url, request.headers.origin) ?? { origin: false });
  });
}
