/**
 * The long connection's Lua scripts (./lua), loaded with the scoring library's loader (includes,
 * `<camelName>-<numKeys>.lua`) and registered once per connection under a versioned name, so a rolling
 * deploy never runs old TypeScript against a new script (STYLE.md §2).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScripts, packageInfo, type ScriptDefinition } from '../../../scoring/store/script-loader.js';
import type { RedisClient } from '../../store/redis/redis-client.js';

type ScriptFn = (...args: (string | number)[]) => Promise<unknown>;

let cached: { scripts: ScriptDefinition[]; version: string } | undefined;

function definitions(): { scripts: ScriptDefinition[]; version: string } {
  cached ??= { scripts: loadScripts(join(dirname(fileURLToPath(import.meta.url)), 'lua')), version: packageInfo().version };
  return cached;
}

/** Typed calls of the long connection's Lua scripts on one Redis connection. */
export class ConnectScripts {
  private readonly version: string;

  constructor(private readonly client: RedisClient) {
    const { scripts, version } = definitions();
    this.version = version;
    for (const script of scripts) {
      const command = this.command(script.name);
      if (!(command in client)) client.defineCommand(command, { numberOfKeys: script.numberOfKeys, lua: script.lua });
    }
  }

  /** See lua/presenceRefresh-1.lua. */
  async presenceRefresh(key: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.fn('presenceRefresh')(key, token, ttlMs)) === 1;
  }

  /** See lua/presenceRelease-1.lua. */
  async presenceRelease(key: string, token: string): Promise<boolean> {
    return (await this.fn('presenceRelease')(key, token)) === 1;
  }

  /** See lua/inboxPut-4.lua. */
  async inboxPut(keys: InboxKeys, now: number, id: string, json: string, expiresAt: number, max: number, deviceId: string, graceMs: number): Promise<number> {
    return Number(await this.fn('inboxPut')(...keys, now, id, json, expiresAt, max, deviceId, graceMs));
  }

  /** See lua/inboxList-4.lua. */
  async inboxList(keys: InboxKeys, now: number, deviceId: string): Promise<(string | null)[]> {
    return (await this.fn('inboxList')(...keys, now, deviceId)) as (string | null)[];
  }

  /** See lua/inboxRemove-4.lua. */
  async inboxRemove(keys: InboxKeys, deviceId: string, ids: readonly string[]): Promise<number> {
    return Number(await this.fn('inboxRemove')(...keys, deviceId, ...ids));
  }

  private command(name: string): string {
    return `connect.${name}:${this.version}`;
  }

  private fn(name: string): ScriptFn {
    const command = (this.client as unknown as Record<string, ScriptFn | undefined>)[this.command(name)];
    if (!command) throw new Error(`script ${name} is not loaded`);
    return command.bind(this.client);
  }
}

/** A device inbox's keys, in the scripts' KEYS order. */
export type InboxKeys = [inbox: string, expiry: string, depth: string, inboxes: string];
