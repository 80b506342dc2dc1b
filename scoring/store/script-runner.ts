/**
 * Registers Lua scripts on an ioredis client with `defineCommand`, once per client, under a versioned
 * name (`recordOutcomes:0.1.0`) so a rolling deploy never runs new TypeScript against an old script
 * body cached under the same name; then calls them through one checked entry point.
 */
import type { Cluster, Redis } from 'ioredis';
import { ScoringScriptLoadError } from '../errors.js';
import type { ScriptDefinition } from './script-loader.js';

type ScriptCommand = (...args: Array<string | number>) => Promise<unknown>;

/** Runs scripts by name with their KEYS and ARGV. */
export class ScriptRunner {
  private readonly commands = new Map<string, { command: string; numberOfKeys: number }>();

  constructor(
    private readonly client: Redis | Cluster,
    scripts: readonly ScriptDefinition[],
    version: string,
  ) {
    for (const script of scripts) {
      const command = `${script.name}:${version}`;
      if (!(command in client)) client.defineCommand(command, { numberOfKeys: script.numberOfKeys, lua: script.lua });
      this.commands.set(script.name, { command, numberOfKeys: script.numberOfKeys });
    }
  }

  /** Calls a script; the key count must match its file name (every key goes through KEYS). */
  run(name: string, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    const entry = this.commands.get(name);
    if (entry === undefined) throw new ScoringScriptLoadError(`no script named ${name}`);
    if (keys.length !== entry.numberOfKeys) {
      throw new ScoringScriptLoadError(`script ${name} takes ${entry.numberOfKeys} keys, got ${keys.length}`);
    }
    const fn = (this.client as unknown as Record<string, ScriptCommand>)[entry.command];
    if (fn === undefined) throw new ScoringScriptLoadError(`script ${name} is not defined on this client`);
    return fn.call(this.client, ...keys, ...args);
  }
}
