/**
 * The typed wrapper over the scoring Lua scripts: one method per script, arguments encoded here,
 * negative results mapped to `ScoringScriptError`.
 */
import type { Cluster, Redis } from 'ioredis';
import { ScoringScriptError } from '../errors.js';
import type { Forgetting } from '../change-detection.js';
import type { StatEntry } from '../stats.js';
import { statField } from '../device-class.js';
import { loadScripts, packageInfo, scoringLuaDir, type ScriptDefinition } from './script-loader.js';
import { ScriptRunner } from './script-runner.js';

let cached: { scripts: ScriptDefinition[]; version: string } | undefined;

/** The scoring scripts and package version, read from disk once per process. */
function scoringScripts(): { scripts: ScriptDefinition[]; version: string } {
  cached ??= { scripts: loadScripts(scoringLuaDir()), version: packageInfo().version };
  return cached;
}

/** The scoring scripts bound to one client. */
export class ScoringScripts {
  private readonly runner: ScriptRunner;

  constructor(client: Redis | Cluster) {
    const { scripts, version } = scoringScripts();
    this.runner = new ScriptRunner(client, scripts, version);
  }

  /** `recordOutcomes-1.lua`: merges the entries into the stats hash; returns the fields written. */
  async recordOutcomes(statsKey: string, entries: readonly StatEntry[], forgetting: Forgetting, ttlMs: number): Promise<number> {
    const args: Array<string | number> = [forgetting.halfLifeMs, forgetting.recentHalfLifeMs, forgetting.changeThreshold, ttlMs];
    for (const e of entries) {
      args.push(statField(e.classKey, e.provider), e.successes, e.failures, e.latencySum, e.latencyCount, e.at, e.recentSuccesses, e.recentFailures);
    }
    const result = Number(await this.runner.run('recordOutcomes', [statsKey], args));
    if (result < 0) throw new ScoringScriptError('recordOutcomes', result);
    return result;
  }
}
