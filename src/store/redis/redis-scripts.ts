/**
 * Loads the Lua scripts in ./lua once per connection under a versioned name (so a rolling deploy never
 * runs old TypeScript against a new script), with the key count read from the file name
 * (`<camelName>-<numKeys>.lua`, as bullmq does).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RedisClient } from './redis-client.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The compiled build keeps the .lua files beside the sources (see the build script). */
const SCRIPT_DIR = join(here, 'lua');
const VERSION = '1';

interface ScriptFile {
  name: string;
  keys: number;
  lua: string;
}

/** Parses `accept-3.lua` into { name: 'accept', keys: 3 }. */
export function splitScriptFilename(file: string): { name: string; keys: number } {
  const match = /^([A-Za-z][A-Za-z0-9]*)-(\d+)\.lua$/.exec(file);
  if (!match) throw new Error(`script file ${file} is not named <camelName>-<numKeys>.lua`);
  return { name: match[1] as string, keys: Number(match[2]) };
}

let cached: ScriptFile[] | undefined;

function scriptFiles(): ScriptFile[] {
  if (cached) return cached;
  const files = readdirSync(SCRIPT_DIR)
    .filter((f) => f.endsWith('.lua'))
    .map((f) => ({ ...splitScriptFilename(f), lua: readFileSync(join(SCRIPT_DIR, f), 'utf8') }));
  // Two files with one name (a stale build's leftover) would silently run the wrong one.
  const names = files.map((f) => f.name);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice) throw new Error(`two Lua scripts are named ${twice} in ${SCRIPT_DIR}: remove the stale one`);
  cached = files;
  return cached;
}

type ScriptFn = (...args: (string | number)[]) => Promise<unknown>;

/** Typed access to the gateway's scripts on one connection. */
export class StoreScripts {
  constructor(private readonly client: RedisClient) {
    for (const script of scriptFiles()) {
      const command = `${script.name}:v${VERSION}`;
      if (!(command in client)) client.defineCommand(command, { numberOfKeys: script.keys, lua: script.lua });
    }
  }

  private fn(name: string): ScriptFn {
    const command = (this.client as unknown as Record<string, ScriptFn | undefined>)[`${name}:v${VERSION}`];
    if (!command) throw new Error(`script ${name} is not loaded`);
    return command.bind(this.client);
  }

  /** See lua/accept-4.lua for the reply's shape. */
  async accept(keys: [idem: string, notification: string, stream: string, deviceIndex: string], args: (string | number)[]): Promise<(string | number)[]> {
    return (await this.fn('accept')(...keys, ...args)) as (string | number)[];
  }

  async putDelivery(key: string, deviceId: string, expectedVersion: number, value: string, retentionSeconds: number): Promise<boolean> {
    return (await this.fn('putDelivery')(key, deviceId, expectedVersion, value, retentionSeconds)) === 1;
  }

  async claimDeadlines(due: string, leased: string, now: number, leaseUntil: number, limit: number): Promise<string[]> {
    return (await this.fn('claimDeadlines')(due, leased, now, leaseUntil, limit)) as string[];
  }

  async removeToken(deviceKey: string, provider: string, token: string, now: number): Promise<boolean> {
    return (await this.fn('removeToken')(deviceKey, provider, token, now)) === 1;
  }
}
