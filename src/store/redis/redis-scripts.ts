/**
 * The stores' Lua scripts (./lua), loaded with the shared script loader (`<camelName>-<numKeys>.lua`,
 * includes) and registered once per connection under a versioned name, so a rolling deploy never runs
 * old TypeScript against a new script (STYLE.md §2).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScripts, packageInfo, VARIABLE_KEYS, type ScriptDefinition } from '../../../scoring/store/script-loader.js';
import type { RedisClient } from './redis-client.js';

/** The build copies the .lua files next to the compiled code (scripts/copy-assets.mjs). */
const SCRIPT_DIR = join(dirname(fileURLToPath(import.meta.url)), 'lua');

let cached: { scripts: ScriptDefinition[]; version: string } | undefined;

function definitions(): { scripts: ScriptDefinition[]; version: string } {
  cached ??= { scripts: loadScripts(SCRIPT_DIR), version: packageInfo().version };
  return cached;
}

type ScriptFn = (...args: (string | number)[]) => Promise<unknown>;

/** A script's command on the client: versioned, so two builds never share one. */
function commandName(script: string, version: string): string {
  return `${script}:${version}`;
}

/**
 * Scripts whose callers gather calls into one themselves (the accept group commit). ioredis's
 * auto-pipelining keeps one pipeline in flight per connection and queues every later command behind
 * it: for these it would only make each group wait for the previous group's round trip.
 */
const SELF_BATCHED_SCRIPTS = ['accept', 'acceptMany'];

/** The client commands of SELF_BATCHED_SCRIPTS, for the client's `autoPipeliningIgnoredCommands`. */
export function selfBatchedScriptCommands(): string[] {
  const { version } = definitions();
  return SELF_BATCHED_SCRIPTS.map((script) => commandName(script, version));
}

/** Typed access to the gateway's scripts on one connection. */
export class StoreScripts {
  /** Each script's command, bound to the connection once: calls are on every request's path. */
  private readonly commands = new Map<string, ScriptFn>();

  constructor(client: RedisClient) {
    const { scripts, version } = definitions();
    for (const script of scripts) {
      const command = commandName(script.name, version);
      const numberOfKeys = script.numberOfKeys === VARIABLE_KEYS ? undefined : script.numberOfKeys;
      if (!(command in client)) client.defineCommand(command, { numberOfKeys, lua: script.lua });
      const fn = (client as unknown as Record<string, ScriptFn | undefined>)[command];
      if (fn) this.commands.set(script.name, fn.bind(client));
    }
  }

  private fn(name: string): ScriptFn {
    const command = this.commands.get(name);
    if (!command) throw new Error(`script ${name} is not loaded`);
    return command;
  }

  /** See lua/accept-4.lua for the reply's shape. */
  async accept(keys: [idem: string, notification: string, stream: string, deviceIndex: string], args: (string | number)[]): Promise<(string | number)[]> {
    return (await this.fn('accept')(...keys, ...args)) as (string | number)[];
  }

  /** See lua/acceptMany-n.lua: `keys` are the stream, the device index, then each notification's own (one or two). */
  acceptMany(keys: string[], args: (string | number)[]): Promise<(string | number)[]> {
    return this.fn('acceptMany')(keys.length, ...keys, ...args) as Promise<(string | number)[]>;
  }

  /** See lua/putDelivery-2.lua: `dueAt` '' schedules no deadline. */
  async putDelivery(
    keys: [deliveries: string, deadlines: string], deviceId: string, expectedVersion: number, value: string, retentionSeconds: number,
    dueAt: number | '', member: string,
  ): Promise<boolean> {
    return (await this.fn('putDelivery')(...keys, deviceId, expectedVersion, value, retentionSeconds, dueAt, member)) === 1;
  }

  /** See lua/ackDelivery-2.lua: 2 on time, 1 late, 0 lost the compare-and-set. */
  async ackDelivery(
    keys: [deliveries: string, deadlines: string], deviceId: string, expectedVersion: number, onTimeValue: string, lateValue: string,
    retentionSeconds: number, member: string, onTimeIfRemoved: boolean,
  ): Promise<0 | 1 | 2> {
    return (await this.fn('ackDelivery')(...keys, deviceId, expectedVersion, onTimeValue, lateValue, retentionSeconds, member, onTimeIfRemoved ? '1' : '0')) as 0 | 1 | 2;
  }

  async claimDeadlines(due: string, leased: string, now: number, leaseUntil: number, limit: number): Promise<string[]> {
    return (await this.fn('claimDeadlines')(due, leased, now, leaseUntil, limit)) as string[];
  }

  async removeToken(deviceKey: string, provider: string, token: string, now: number): Promise<boolean> {
    return (await this.fn('removeToken')(deviceKey, provider, token, now)) === 1;
  }
}
