/**
 * Builds pushmux's long connection for a gateway (the ConnectFactory that createGateway calls): memory
 * presence and inbox when the gateway has no Redis, Redis presence, inbox and pub/sub hand-off when it
 * has. Mounts `GET /v1/apps/:app/connect` (WebSocket) and `GET /v1/apps/:app/devices/:deviceId/inbox`.
 */
import type { ConnectContext, ConnectFactory } from '../pipeline/long-connection.js';
import { ConnectMetrics } from './connect-metrics.js';
import { resolveConnectOptions, type ConnectOptions } from './connect-options.js';
import { DeviceAuthenticator } from './device-auth.js';
import type { Inbox } from './inbox.js';
import { inboxRoutes } from './inbox-routes.js';
import { LongConnectionService } from './long-connection-service.js';
import { MemoryInbox } from './memory-inbox.js';
import type { NodeBus } from './node-bus.js';
import { LocalPresence, type Presence } from './presence.js';
import { ConnectKeys, ConnectScripts, RedisInbox, RedisNodeBus, RedisPresence } from './redis/index.js';

/** A ConnectFactory with tuned options (tests shorten heartbeats; the benchmark raises bounds). */
export function connectFactory(input: Partial<ConnectOptions> = {}, onService?: (service: LongConnectionService) => void): ConnectFactory {
  // Validated now, so a bad option fails where it is written, not when the gateway starts.
  const options = resolveConnectOptions(input);
  return async (ctx: ConnectContext) => {
    const apps = Object.keys(ctx.config.apps);
    let presence: Presence;
    let inbox: Inbox;
    let bus: NodeBus | undefined;
    if (ctx.redis && ctx.duplicateRedis) {
      const keys = new ConnectKeys(ctx.config.redis.keyPrefix);
      const scripts = new ConnectScripts(ctx.redis);
      presence = new RedisPresence(ctx.redis, scripts, keys, options.presenceTtlMs);
      inbox = new RedisInbox(ctx.redis, scripts, keys, options.inboxMaxMessages);
      bus = new RedisNodeBus(ctx.redis, ctx.duplicateRedis, keys, options.nodeId, (error) =>
        ctx.logger.warn({ err: error.message }, 'long-connection subscriber error'));
    } else {
      presence = new LocalPresence();
      inbox = new MemoryInbox(options.inboxMaxMessages);
    }
    const metrics = new ConnectMetrics(ctx.metrics.registry, async () =>
      new Map(await Promise.all(apps.map(async (app) => [app, await inbox.depth(app)] as const))));
    const auth = new DeviceAuthenticator(ctx.config, ctx.stores, options.maxTokenLifetimeMs);
    const service = new LongConnectionService({ ctx, options, auth, presence, inbox, bus, metrics });
    await ctx.server.register(inboxRoutes, { auth, service });
    await service.start();
    onService?.(service);
    return service;
  };
}

/** The long connection as the config's `connect` section tunes it (`createGateway({ config, connect: createConnect })`). */
export const createConnect: ConnectFactory = (ctx) => connectFactory(ctx.config.connect)(ctx);
