/**
 * Loads, validates and freezes the gateway config: the YAML file (or the embedded default), `${NAME}`
 * references resolved from the environment, then env overrides. A bad file stops the process with a
 * ConfigError naming the field and the fix.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Value from 'typebox/value';
import { parse as parseYaml } from 'yaml';
import { PROVIDER_NAMES } from '../../providers/provider.js';
import { resolveConnectOptions } from '../connect/connect-options.js';
import { ConfigError } from '../errors/index.js';
import { embeddedDefaultApps } from './embedded-default.js';
import type { Environment } from './environment.js';
import { AppSchema, ConfigSchema, ProviderEntrySchema, type AppConfig, type GatewayConfig } from './schema.js';
import { deepFreeze } from '../deep-freeze.js';

/**
 * Channels a rule may name besides the third-party providers: in deny, allow and pin (with the same
 * meaning as for providers), never in prefer (their place in a plan is fixed).
 */
const PIPELINE_CHANNELS = ['longconn', 'sms'] as const;

export interface LoadedConfig {
  config: Readonly<GatewayConfig>;
  /** Where it came from: a file path or 'embedded default'. */
  source: string;
  /** Set when the embedded default generated the demo key: print it once. */
  generatedDemoKey?: string;
}

/** Reads the config named by the environment (or the embedded default) and validates it. */
export function loadConfig(env: Environment): LoadedConfig {
  let raw: unknown;
  let source: string;
  if (env.configPath) {
    let text: string;
    try {
      text = readFileSync(env.configPath, 'utf8');
    } catch (error) {
      throw new ConfigError('PUSHMUX_CONFIG', `cannot read ${env.configPath} (${(error as Error).message})`,
        'point PUSHMUX_CONFIG at a readable YAML file, or unset it for the embedded default');
    }
    try {
      raw = parseYaml(text) ?? {};
    } catch (error) {
      throw new ConfigError(env.configPath, `is not valid YAML: ${(error as Error).message}`,
        'correct the YAML syntax at the line named');
    }
    source = env.configPath;
  } else {
    raw = {};
    source = 'embedded default';
  }
  return buildConfig(raw, env, source);
}

/** Validates an already-parsed config object (used by loadConfig and by tests). */
export function buildConfig(raw: unknown, env: Environment, source = 'inline'): LoadedConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError('(root)', 'must be a mapping', 'write the config as YAML keys: server, redis, pipeline, apps');
  }
  const resolved = resolveEnvReferences(raw, env.vars, '') as Record<string, unknown>;
  let generatedDemoKey: string | undefined;
  const apps = resolved.apps as Record<string, unknown> | undefined;
  if (!apps || Object.keys(apps).length === 0) {
    const demoKey = env.demoKey ?? (generatedDemoKey = `pmx_demo_${randomBytes(18).toString('base64url')}`);
    resolved.apps = embeddedDefaultApps(demoKey);
  }
  applyOverrides(resolved, env);

  const config = withDefaults(resolved);
  const firstError = [...Value.Errors(ConfigSchema, config)].sort(
    (a, b) => b.instancePath.length - a.instancePath.length,
  )[0];
  if (firstError) throw schemaError(firstError);
  checkSemantics(config);
  return { config: deepFreeze(config), source, generatedDemoKey };
}

/** Value.Default does not descend into records, so apps and their providers get theirs explicitly. */
function withDefaults(resolved: Record<string, unknown>): GatewayConfig {
  const config = Value.Default(ConfigSchema, resolved) as GatewayConfig;
  for (const [appId, app] of Object.entries(config.apps)) {
    if (typeof app !== 'object' || app === null) continue;
    const withAppDefaults = Value.Default(AppSchema, app) as AppConfig;
    for (const [name, entry] of Object.entries(withAppDefaults.providers ?? {})) {
      if (typeof entry === 'object' && entry !== null) withAppDefaults.providers[name] = Value.Default(ProviderEntrySchema, entry) as typeof entry;
    }
    config.apps[appId] = withAppDefaults;
  }
  return config;
}

function applyOverrides(target: Record<string, unknown>, env: Environment): void {
  const section = (name: string): Record<string, unknown> => {
    const existing = target[name];
    if (typeof existing === 'object' && existing !== null) return existing as Record<string, unknown>;
    const created: Record<string, unknown> = {};
    target[name] = created;
    return created;
  };
  if (env.port !== undefined) {
    const port = Number(env.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      throw new ConfigError('PORT', `"${env.port}" is not a TCP port`, 'set PORT to an integer from 0 to 65535');
    }
    section('server').port = port;
  }
  if (env.host !== undefined) section('server').host = env.host;
  if (env.logLevel !== undefined) section('server').logLevel = env.logLevel;
  if (env.redisUrl !== undefined) section('redis').url = env.redisUrl;
}

/** Replaces `${NAME}` in string values with the environment variable; a missing one is an error. */
function resolveEnvReferences(value: unknown, vars: Environment['vars'], path: string): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const found = vars[name];
      if (found === undefined) {
        throw new ConfigError(path || '(root)', `refers to environment variable ${name}, which is not set`,
          `export ${name} before starting pushmux`);
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveEnvReferences(v, vars, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveEnvReferences(v, vars, path ? `${path}.${k}` : k);
    return out;
  }
  return value;
}

interface SchemaIssue {
  keyword: string;
  instancePath: string;
  message: string;
  params: unknown;
}

function schemaError(issue: SchemaIssue): ConfigError {
  const path = issue.instancePath.split('/').filter(Boolean)
    .reduce((out, part) => (/^\d+$/.test(part) ? `${out}[${part}]` : out ? `${out}.${part}` : part), '') || '(root)';
  const params = (issue.params ?? {}) as Record<string, unknown>;
  switch (issue.keyword) {
    case 'required':
      return new ConfigError(path, `is missing ${String(params.requiredProperties ?? 'a required field')}`,
        'add the missing field');
    case 'additionalProperties':
    case 'boolean':
      return new ConfigError(path, 'is not a known setting', 'remove it or check its spelling against the README config reference');
    case 'pattern':
      return new ConfigError(path, issue.message, 'app ids are lowercase letters, digits, - and _, at most 64 characters');
    case 'minLength':
      return new ConfigError(path, issue.message, path.endsWith('.key')
        ? 'use an API key of at least 16 random characters'
        : 'give it a non-empty value');
    default:
      if (path.endsWith('.sms.costPerMessage')) {
        // The unit is not money: say what the number means, or a price in cents slips through as "valid".
        return new ConfigError(path, issue.message,
          'set a number >= 0 in delivery-probability units (0.3, the default scoring.costs.sms, means a text must deliver 30 points better than a push provider to go ahead of it)');
      }
      return new ConfigError(path, issue.message, 'see the README config reference for the allowed values');
  }
}

function checkSemantics(config: GatewayConfig): void {
  // How the connect options fit together (idle timeout past the heartbeat, burst holding an inbox).
  resolveConnectOptions(config.connect);
  const seenKeys = new Map<string, string>();
  const knownChannels = new Set<string>([...PROVIDER_NAMES, ...PIPELINE_CHANNELS]);
  for (const [appId, app] of Object.entries(config.apps)) {
    if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(appId)) {
      throw new ConfigError(`apps.${appId}`, 'is not a valid app id',
        'app ids are lowercase letters, digits, - and _, at most 64 characters');
    }
    app.apiKeys.forEach((apiKey, i) => {
      const other = seenKeys.get(apiKey.key);
      if (other) {
        throw new ConfigError(`apps.${appId}.apiKeys[${i}].key`, `is also used by ${other}`,
          'give every API key its own value');
      }
      seenKeys.set(apiKey.key, `apps.${appId}`);
    });
    for (const [name, entry] of Object.entries(app.providers)) {
      if (!(PROVIDER_NAMES as readonly string[]).includes(name)) {
        throw new ConfigError(`apps.${appId}.providers.${name}`, 'is not a provider pushmux knows',
          `use one of ${PROVIDER_NAMES.join(', ')}`);
      }
      const sandbox = entry.sandbox;
      if (sandbox && sandbox.latencyMs.min > sandbox.latencyMs.max) {
        throw new ConfigError(`apps.${appId}.providers.${name}.sandbox.latencyMs`, 'min is above max',
          'make min ≤ max');
      }
    }
    app.rules.forEach((rule, i) => {
      const named = [...(rule.prefer ?? []), ...(rule.allow ?? []), ...(rule.deny ?? []), ...(rule.pin ? [rule.pin] : [])];
      for (const channel of named) {
        if (!knownChannels.has(channel)) {
          throw new ConfigError(`apps.${appId}.rules[${i}]`, `names unknown channel "${channel}"`,
            `use one of ${[...knownChannels].join(', ')}`);
        }
      }
      // deny, allow and pin decide whether the own channels are in a plan; nothing moves them within it.
      rule.prefer?.forEach((channel, j) => {
        if (channel === 'sms') {
          throw new ConfigError(`apps.${appId}.rules[${i}].prefer[${j}]`,
            'names sms, which prefer cannot move: a text goes where its expected utility (estimated delivery − latency − its cost) places it, never first by preference',
            `remove sms from prefer; to text sooner lower apps.${appId}.sms.costPerMessage, to text only use pin: sms, to never text use deny: [sms]`);
        }
        if (channel === 'longconn') {
          throw new ConfigError(`apps.${appId}.rules[${i}].prefer[${j}]`,
            'names longconn, which prefer cannot move: the long connection always follows the push providers (and precedes a text)',
            'remove longconn from prefer; to use only the long connection use pin: longconn, to leave it out use deny: [longconn]');
        }
      });
    });
  }
}
