/**
 * `pushmux serve` (and src/main.ts): load config (file or embedded default), start the gateway, shut
 * down gracefully on SIGTERM/SIGINT. A bad config stops the process with a message naming the field and
 * the fix (exit code 2).
 */
import { loadConfig, readEnvironment, type Environment } from '../config/index.js';
import { ConfigError, GatewayError } from '../errors/index.js';
import { createConnect } from '../connect/index.js';
import { createGateway } from '../gateway.js';

/** Starts the gateway and keeps it running until SIGTERM/SIGINT. Resolves once it listens. */
export async function serve(env: Environment = readEnvironment()): Promise<void> {
  let loaded;
  try {
    loaded = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`pushmux: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const { config } = loaded;
  const gateway = await createGateway({
    config,
    logger: { level: config.server.logLevel, redact: ['req.headers.authorization'] },
    connect: createConnect,
  });
  const log = gateway.server.log;
  log.info({ source: loaded.source, store: gateway.stores.kind, apps: Object.keys(config.apps) }, 'pushmux config loaded');
  if (gateway.stores.kind === 'memory') {
    log.warn('EMBEDDED MODE: memory stores (set REDIS_URL for durable storage); accepted notifications do not survive a restart');
  }
  for (const { app, provider } of gateway.registry.sandboxed) {
    log.warn({ app, provider }, 'SANDBOX PROVIDER: delivery is simulated, nothing reaches a real device');
  }
  const url = await gateway.listen();
  if (loaded.generatedDemoKey) {
    // Printed once, to stdout, so the walk-through works; set PUSHMUX_DEMO_KEY to choose it.
    process.stdout.write(`\npushmux demo app key (generated, all scopes): ${loaded.generatedDemoKey}\n` +
      `try: curl -H "Authorization: Bearer ${loaded.generatedDemoKey}" ${url.replace('0.0.0.0', '127.0.0.1')}/v1/apps/demo/devices/d1\n\n`);
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing in-flight work');
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** What the process does when serve() rejects: one line on stderr, exit code 1. */
export function startFailed(error: unknown): never {
  const message = error instanceof GatewayError ? error.message : (error as Error).stack ?? String(error);
  process.stderr.write(`pushmux: failed to start: ${message}\n`);
  process.exit(1);
}
