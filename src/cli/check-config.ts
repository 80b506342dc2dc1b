/** `pushmux check-config`: the real loader on a file; "ok" and a summary, or the ConfigError (exit 2). */
import { loadConfig, type GatewayConfig } from '../config/index.js';
import { ConfigError } from '../errors/index.js';
import { EXIT_OK, EXIT_USAGE, type CliIo } from './io.js';

export function checkConfig(configPath: string | undefined, io: CliIo): number {
  const env = { ...io.env, configPath: configPath ?? io.env.configPath };
  let loaded;
  try {
    loaded = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(`pushmux: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  io.stdout(`ok\n${summarize(loaded.config, loaded.source, loaded.generatedDemoKey !== undefined)}`);
  return EXIT_OK;
}

/** Keys of an app's `sms` block that are policy, not the sender's name. */
const SMS_POLICY_KEYS: ReadonlySet<string> = new Set(['sandbox', 'perPhonePerHour', 'costPerMessage']);

/** Names, counts and switches only: no API key, credential or Redis password. */
export function summarize(config: Readonly<GatewayConfig>, source: string, generatedKey: boolean): string {
  const lines = [`source: ${source}`];
  lines.push(`server: ${config.server.host}:${config.server.port} (log level ${config.server.logLevel})`);
  lines.push(config.redis.url
    ? `store: redis${config.redis.cluster ? ' cluster' : ''} ${redactUrl(config.redis.url)} (key prefix ${config.redis.keyPrefix})`
    : 'store: memory (nothing survives a restart; set REDIS_URL for durable storage)');
  const p = config.pipeline;
  lines.push(`pipeline: worker ${p.worker ? 'on' : 'off'}, concurrency ${p.concurrency}, ${p.devicesPerJob} devices per job, reclaim after ${p.reclaimIdleMs} ms`);
  const apps = Object.entries(config.apps);
  lines.push(`apps: ${apps.length}`);
  for (const [id, app] of apps) {
    const providers = Object.entries(app.providers).map(([name, entry]) => (entry.sandbox ? `${name} (sandbox)` : name));
    const keys = app.apiKeys.map((k, i) => `${k.name ?? `#${i + 1}`} [${k.scopes.join(',')}]`);
    lines.push(`  ${id}:`);
    lines.push(`    providers: ${providers.length ? providers.join(', ') : '(none)'}`);
    if (app.sms) {
      const sender = app.sms.sandbox ? 'sandbox' : (Object.keys(app.sms).find((k) => !SMS_POLICY_KEYS.has(k)) ?? 'configured');
      lines.push(`    sms: ${sender}, cost per text ${app.sms.costPerMessage ?? config.scoring.costs.sms ?? 0}`);
    }
    lines.push(`    long connection: ${app.longConnection.enabled ? 'on' : 'off'}; acks: ${app.acks ? 'on' : 'off'}; ack deadline ${app.defaults.ackDeadlineMs} ms`);
    lines.push(`    rules: ${app.rules.length}`);
    lines.push(`    api keys: ${keys.join(', ')}${generatedKey ? ' (generated at start-up, printed by serve)' : ''}`);
  }
  return lines.join('\n') + '\n';
}

/** `redis://user:secret@host:6379` → `redis://user:***@host:6379` (each seed of a cluster list). */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:@/,]*:)[^@/,]*@/g, '$1***@');
}
