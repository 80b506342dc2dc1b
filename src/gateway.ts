/**
 * Composes the gateway from a validated config: stores (memory or Redis), providers, the delivery
 * worker, metrics and the HTTP server. Used by main.ts, the tests and the benchmarks alike.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { GatewayConfig } from './config/index.js';
import { ApiKeyAuth, buildServer } from './http/index.js';
import { GatewayMetrics } from './metrics/index.js';
import {
  AcceptService, AckService, DeliveryRunner, DeliveryWorker, IGNORE_OUTCOMES, ProviderRegistry, ReceiptRouter, SmsChannels,
  SMS_CHANNEL, type AckInput, type ConnectFactory, type InvalidTokenEvent, type LiveProviderFactory, type OutcomeSink, type Ranker,
} from './pipeline/index.js';
import { TokenFeedbackReporter } from './pipeline/token-feedback.js';
import type { Stores } from './store/ports.js';
import { createMemoryStores } from './store/memory/index.js';
import { createRedisStores, duplicateForBlocking, type RedisClient } from './store/redis/index.js';
import { createLiveProvider } from '../providers/live-providers.js';
import { createMakerProvider, MAKER_PROVIDER_NAMES, type MakerProviderName } from '../providers/maker-providers.js';
import type { Provider } from '../providers/provider.js';
import { ResilientProvider, type ProviderLogger, type ResilienceHooks } from '../providers/resilience/index.js';
import type { SandboxDeps } from '../providers/sandbox/index.js';
import { createScoringEngine, MemoryScoringStore, RedisScoringStore, type RoutingRule, type ScoringEngine } from '../scoring/index.js';

export interface GatewayOptions {
  config: GatewayConfig;
  /** Fastify/pino logger options; false for silence (tests). */
  logger?: FastifyServerOptions['logger'] | false;
  createLive?: LiveProviderFactory;
  /** Replaces the scoring engine's ranking. */
  ranker?: Ranker;
  /** Where acks and expired deadlines are also reported (tests record them). */
  outcomes?: OutcomeSink;
  /** Random source of the scoring engine (seeded in tests). */
  random?: () => number;
  /** Builds pushmux's own channel (WebSocket + inbox, src/connect/) and mounts its routes. */
  connect?: ConnectFactory;
  sandbox?: (appId: string) => SandboxDeps;
  /** Run the delivery worker in this process (default: config.pipeline.worker). */
  worker?: boolean;
  /** Default process metrics (off in tests that build many gateways). */
  defaultMetrics?: boolean;
  onInvalidToken?: (event: InvalidTokenEvent) => void;
}

export interface Gateway {
  config: GatewayConfig;
  server: FastifyInstance;
  stores: Stores;
  scoring: ScoringEngine;
  registry: ProviderRegistry;
  metrics: GatewayMetrics;
  worker?: DeliveryWorker;
  /** Starts listening on config.server (port 0 picks a free one); answers the base URL. */
  listen(): Promise<string>;
  /** Graceful shutdown: stop accepting, finish in-flight work, close providers and storage. */
  close(): Promise<void>;
}

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { config } = options;
  const metrics = new GatewayMetrics({ defaultMetrics: options.defaultMetrics });
  const stores = config.redis.url
    ? await createRedisStores({ url: config.redis.url, cluster: config.redis.cluster, keyPrefix: config.redis.keyPrefix, retentionSeconds: config.pipeline.retentionSeconds })
    : createMemoryStores();
  const apps = Object.keys(config.apps);
  const redisClient = 'client' in stores ? (stores.client as RedisClient) : undefined;
  metrics.useQueueStats(async () => new Map(await Promise.all(apps.map(async (app) => [app, await stores.queue.stats(app)] as const))));

  const scoring = createScoringEngine({
    store: redisClient ? new RedisScoringStore(redisClient, { prefix: config.redis.keyPrefix }) : new MemoryScoringStore(),
    config: {
      ...config.scoring,
      rules: Object.fromEntries(Object.entries(config.apps).map(([id, app]) => [id, app.rules as RoutingRule[]])),
      // An app's SMS price, where it sets one, is what the utility weighs against its push providers.
      appCosts: Object.fromEntries(Object.entries(config.apps).flatMap(([id, app]) =>
        app.sms?.costPerMessage === undefined ? [] : [[id, { [SMS_CHANNEL]: app.sms.costPerMessage }]])),
    },
    random: options.random,
  });
  scoring.onRecord = (e) => metrics.scoringOutcome(e.app, e.platform, e.brand ?? 'unknown', e.provider, e.delivered);
  const extra = options.outcomes ?? IGNORE_OUTCOMES;
  // Every ack and expired deadline teaches the engine (and a test's sink, when given).
  const outcomes: OutcomeSink = {
    record(app, cls, channel, outcome) {
      scoring.record(app, cls, channel, outcome);
      extra.record(app, cls, channel, outcome);
    },
  };
  const acks = new AckService(stores, metrics, outcomes);
  // A simulated device "receives" a sandbox push or text and acks it, as the real app would.
  const simulatedAck = (input: AckInput): void => {
    acks.ack(input).catch((error: unknown) => providerLogger.warn({ err: (error as Error).message }, 'simulated ack failed'));
  };
  const sandboxAcks = (appId: string): SandboxDeps => ({
    onDelivered: (d) => simulatedAck({ app: appId, notificationId: d.notificationId, deviceId: d.deviceId, source: 'sandbox-device', channel: d.provider }),
  });
  // Attempts and circuit states reach the metrics through the resilience layer's hooks (SMS senders too).
  const hooks: ResilienceHooks = {
    onAttempt: (e) => {
      metrics.attempt(e.app, e.provider, e.outcome, e.count);
      metrics.sendLatency(e.app, e.provider, e.latencyMs / 1000);
    },
    onCircuitState: (e) => metrics.circuit(e.app, e.provider, e.state === 'open'),
  };
  // The server (and its logger) is built after the providers; what they log before that waits.
  const early: [level: 'warn' | 'info', obj: object, msg: string][] = [];
  let server: FastifyInstance | undefined;
  const providerLogger: ProviderLogger = {
    warn: (obj, msg) => (server ? server.log.warn(obj, msg) : early.push(['warn', obj, msg])),
    info: (obj, msg) => (server ? server.log.info(obj, msg) : early.push(['info', obj, msg])),
  };
  const createLive = options.createLive ?? ((name, opts, ctx) => {
    const live = { ...ctx, logger: providerLogger, hooks };
    return (MAKER_PROVIDER_NAMES as readonly string[]).includes(name)
      ? createMakerProvider(name as MakerProviderName, opts, live)
      : createLiveProvider(name, opts, live);
  });
  // Sandbox providers get the same retry, circuit and metrics layer as live ones.
  const decorate = (appId: string, provider: Provider): Provider =>
    provider instanceof ResilientProvider ? provider : new ResilientProvider(provider, { appId, maxAttempts: config.pipeline.maxTriesPerStep, concurrency: 10_000, hooks });
  let registry: ProviderRegistry;
  try {
    registry = new ProviderRegistry(config, { createLive, sandbox: options.sandbox ?? sandboxAcks, decorate });
  } catch (error) {
    await stores.health.close();
    throw error;
  }
  const feedback = new TokenFeedbackReporter({ webhookFor: (app) => config.apps[app]?.feedback, logger: providerLogger });
  const onInvalidToken = (event: InvalidTokenEvent) => {
    feedback.report(event);
    options.onInvalidToken?.(event);
  };
  const receipts = new ReceiptRouter({ config, stores, acks, metrics, logger: providerLogger, onInvalidToken });
  const sms = new SmsChannels(config, {
    redis: redisClient,
    keyPrefix: config.redis.keyPrefix,
    onSandboxDelivered: (d) => simulatedAck({ app: d.app, notificationId: d.notificationId, deviceId: d.deviceId, source: 'sandbox-sms', channel: SMS_CHANNEL }),
    hooks,
  });
  let accepting = true;
  const http = await buildServer(
    {
      config,
      stores,
      auth: new ApiKeyAuth(config),
      accept: new AcceptService(config, stores, registry, metrics),
      acks,
      receipts,
      scoring,
      metrics,
      isAccepting: () => accepting,
    },
    { logger: options.logger ?? false },
  );
  server = http;
  for (const [level, obj, msg] of early.splice(0)) http.log[level](obj, msg);
  const log = http.log;

  const longConnection = options.connect
    ? await options.connect({
      config, server: http, stores, acks, metrics, logger: log, redis: redisClient,
      duplicateRedis: redisClient ? () => duplicateForBlocking(redisClient) : undefined,
    })
    : undefined;
  const stopController = new AbortController();
  const runner = new DeliveryRunner({
    config,
    stores,
    registry,
    ranker: options.ranker ?? scoring,
    outcomes,
    metrics,
    logger: log,
    stopSignal: stopController.signal,
    longConnection,
    sms,
    onAccepted: (send) => receipts.accepted(send),
    onInvalidToken,
  });
  const worker = (options.worker ?? config.pipeline.worker) === false ? undefined : new DeliveryWorker({
    stores,
    runner,
    logger: log,
    apps,
    consumer: `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
    concurrency: config.pipeline.concurrency,
    devicesPerJob: config.pipeline.devicesPerJob,
    reclaimIdleMs: config.pipeline.reclaimIdleMs,
    deadlineTickMs: config.pipeline.deadlineTickMs,
    deadlineLeaseMs: config.pipeline.deadlineLeaseMs,
    stopController,
  });
  scoring.onError = (error) => log.warn({ err: (error as Error).message }, 'scoring store unavailable; outcomes kept in memory');
  await scoring.refresh().catch(() => undefined);
  scoring.start();
  receipts.start();
  worker?.start();

  let closing: Promise<void> | undefined;
  return {
    config,
    server: http,
    stores,
    scoring,
    registry,
    metrics,
    worker,
    async listen() {
      return http.listen({ port: config.server.port, host: config.server.host });
    },
    close() {
      closing ??= (async () => {
        accepting = false;
        await http.close();
        await worker?.stop();
        await scoring.close().catch(() => undefined);
        await longConnection?.close();
        await receipts.close();
        await sms.close();
        await feedback.close();
        await registry.close();
        await stores.health.close();
      })();
      return closing;
    },
  };
}
