/**
 * Defaults and validation for `ScoringConfig`. The gateway validates the YAML schema; this checks the
 * values the engine's math depends on, so a library user gets a precise error too.
 */
import { ConfigError } from '../src/errors/index.js';
import type { PolicyName, RoutingRule, ScoringConfig } from './types.js';

const POLICIES: ReadonlySet<string> = new Set<PolicyName>(['thompson', 'ucb', 'greedy']);

/** The defaults merged under every partial config. */
export const DEFAULT_SCORING_CONFIG: Readonly<ScoringConfig> = Object.freeze({
  // The gateway's default too (src/config/schema.ts): an outage or a fix shows within minutes.
  halfLifeSeconds: 300,
  // A collapse shows in the recent counters within a minute or two; see change-detection.ts.
  recentHalfLifeSeconds: 60,
  changeThreshold: 4,
  policy: 'thompson',
  exploration: 0.1,
  // Thompson explores an arm only while it is within two sd of the best: see exploration-gate.ts.
  explorationOverlap: 2,
  latencyWeight: 0.002,
  // SMS costs money: it must deliver 30 points better than a free channel to be ranked above it.
  costs: { sms: 0.3 },
  appCosts: {},
  snapshotRefreshMs: 2000,
  rules: {},
  priorStrength: 10,
  flushIntervalMs: 500,
});

function positive(path: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(path, `must be a positive number, got ${value}`, 'set a number > 0');
}

function nonNegative(path: string, value: number, fix: string): void {
  if (!Number.isFinite(value) || value < 0) throw new ConfigError(path, `must be >= 0, got ${value}`, fix);
}

function unit(path: string, value: number): void {
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new ConfigError(path, `must be between 0 and 1, got ${value}`, 'set a share such as 0.2');
  }
}

function checkRule(path: string, rule: RoutingRule): void {
  if (typeof rule !== 'object' || rule === null || typeof rule.match !== 'object' || rule.match === null) {
    throw new ConfigError(path, 'needs a match object', 'add match: { platform, brand, model } (each optional, * wildcards)');
  }
  for (const field of ['platform', 'brand', 'model'] as const) {
    const value = rule.match[field];
    if (value !== undefined && typeof value !== 'string') throw new ConfigError(`${path}.match.${field}`, 'must be a string', 'quote the value');
  }
  for (const field of ['prefer', 'allow', 'deny'] as const) {
    const list = rule[field];
    if (list !== undefined && (!Array.isArray(list) || list.some((p) => typeof p !== 'string'))) {
      throw new ConfigError(`${path}.${field}`, 'must be a list of provider names', 'write e.g. [hms, jpush]');
    }
  }
  if (rule.pin !== undefined && typeof rule.pin !== 'string') throw new ConfigError(`${path}.pin`, 'must be a provider name', 'write e.g. pin: hms');
  if (rule.deadlineMs !== undefined) positive(`${path}.deadlineMs`, rule.deadlineMs);
  if (rule.policy !== undefined && !POLICIES.has(rule.policy)) {
    throw new ConfigError(`${path}.policy`, `unknown policy ${String(rule.policy)}`, 'use thompson, ucb or greedy');
  }
  if (rule.exploration !== undefined) unit(`${path}.exploration`, rule.exploration);
}

/** Merges defaults under `partial`, checks every value, and returns a frozen config. */
export function resolveScoringConfig(partial: Partial<ScoringConfig> = {}): Readonly<ScoringConfig> {
  const config: ScoringConfig = {
    ...DEFAULT_SCORING_CONFIG,
    ...partial,
    costs: { ...DEFAULT_SCORING_CONFIG.costs, ...partial.costs },
    appCosts: { ...partial.appCosts },
    rules: { ...partial.rules },
  };
  positive('scoring.halfLifeSeconds', config.halfLifeSeconds);
  positive('scoring.snapshotRefreshMs', config.snapshotRefreshMs);
  nonNegative('scoring.recentHalfLifeSeconds', config.recentHalfLifeSeconds, 'set e.g. 60, or 0 to turn change detection off');
  nonNegative('scoring.changeThreshold', config.changeThreshold, 'set e.g. 4, or 0 to turn change detection off');
  positive('scoring.flushIntervalMs', config.flushIntervalMs);
  if (!Number.isFinite(config.priorStrength) || config.priorStrength < 0) {
    throw new ConfigError('scoring.priorStrength', `must be >= 0, got ${config.priorStrength}`, 'set e.g. 10');
  }
  if (!POLICIES.has(config.policy)) throw new ConfigError('scoring.policy', `unknown policy ${String(config.policy)}`, 'use thompson, ucb or greedy');
  unit('scoring.exploration', config.exploration);
  nonNegative('scoring.explorationOverlap', config.explorationOverlap, 'set e.g. 2, or 0 to explore any arm the policy picks');
  if (!Number.isFinite(config.latencyWeight) || config.latencyWeight < 0) {
    throw new ConfigError('scoring.latencyWeight', `must be >= 0, got ${config.latencyWeight}`, 'set e.g. 0.002');
  }
  for (const [provider, cost] of Object.entries(config.costs)) {
    if (!Number.isFinite(cost)) throw new ConfigError(`scoring.costs.${provider}`, 'must be a number', 'set e.g. 0.3');
  }
  for (const [app, costs] of Object.entries(config.appCosts)) {
    if (typeof costs !== 'object' || costs === null) throw new ConfigError(`scoring.appCosts.${app}`, 'must be a mapping of provider to cost', 'write e.g. { sms: 0.2 }');
    for (const [provider, cost] of Object.entries(costs)) nonNegative(`scoring.appCosts.${app}.${provider}`, cost, 'set e.g. 0.3');
  }
  for (const [app, rules] of Object.entries(config.rules)) {
    if (!Array.isArray(rules)) throw new ConfigError(`scoring.rules.${app}`, 'must be a list of rules', 'write a YAML list');
    rules.forEach((rule, i) => checkRule(`scoring.rules.${app}[${i}]`, rule));
  }
  return Object.freeze(config);
}
