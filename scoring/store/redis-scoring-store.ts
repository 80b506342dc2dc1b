/**
 * The Redis `ScoringStore`, shared by every gateway instance. One hash per app holds every counter of
 * that app (so the hash is the app's index: a snapshot load is one HGETALL per app, never a SCAN), and
 * `recordOutcomes-1.lua` decays and increments many fields atomically per call.
 */
import type { Cluster, Redis } from 'ioredis';
import { StoreUnavailableError } from '../../src/errors/index.js';
import { parseStatField } from '../device-class.js';
import { ScoringScriptError, ScoringScriptLoadError } from '../errors.js';
import type { Forgetting } from '../change-detection.js';
import type { StatEntry } from '../stats.js';
import { ScoringKeys } from './scoring-keys.js';
import { ScoringScripts } from './scoring-scripts.js';
import type { ScoringStore } from './scoring-store.js';

/** Options of `RedisScoringStore`. */
export interface RedisScoringStoreOptions {
  /** Key prefix inside the hash tag: `{<prefix>:<app>}:scores:stats`. Default 'pm'. */
  prefix?: string;
  /**
   * An app's hash expires after this many half-lives without a write (its counters would be below
   * 2^-n of their value by then anyway). 0 keeps it forever. Default 40.
   */
  ttlHalfLives?: number;
  /** Entries per script call; a flush sends its calls together (pipelined). Default 1000. */
  batchSize?: number;
}

/** A `ScoringStore` on an ioredis client (standalone or Cluster). The caller owns and closes the client. */
export class RedisScoringStore implements ScoringStore {
  private readonly keys: ScoringKeys;
  private readonly scripts: ScoringScripts;
  private readonly ttlHalfLives: number;
  private readonly batchSize: number;

  constructor(
    private readonly redis: Redis | Cluster,
    opts: RedisScoringStoreOptions = {},
  ) {
    this.keys = new ScoringKeys(opts.prefix ?? 'pm');
    this.scripts = new ScoringScripts(redis);
    this.ttlHalfLives = opts.ttlHalfLives ?? 40;
    this.batchSize = opts.batchSize ?? 1000;
  }

  /** Sends the entries in script calls of `batchSize`, all at once (ioredis pipelines them). */
  async apply(app: string, entries: readonly StatEntry[], forgetting: Forgetting): Promise<void> {
    if (entries.length === 0) return;
    const key = this.keys.stats(app);
    const ttlMs = Math.round(this.ttlHalfLives * forgetting.halfLifeMs);
    const calls: Array<Promise<number>> = [];
    for (let i = 0; i < entries.length; i += this.batchSize) {
      calls.push(this.scripts.recordOutcomes(key, entries.slice(i, i + this.batchSize), forgetting, ttlMs));
    }
    await guard(Promise.all(calls));
  }

  /** One HGETALL per app, sent together. */
  async load(apps: readonly string[]): Promise<Map<string, StatEntry[]>> {
    const hashes = await guard(Promise.all(apps.map((app) => this.redis.hgetall(this.keys.stats(app)))));
    const out = new Map<string, StatEntry[]>();
    apps.forEach((app, i) => {
      const entries: StatEntry[] = [];
      for (const [field, value] of Object.entries(hashes[i] ?? {})) {
        const entry = parseEntry(field, value);
        if (entry !== undefined) entries.push(entry);
      }
      out.set(app, entries);
    });
    return out;
  }

  /** The client belongs to the caller: nothing to close here. */
  async close(): Promise<void> {}
}

/** A stored value: 7 numbers, or 5 when written before recent counters existed (recent pair 0). */
function parseEntry(field: string, value: string): StatEntry | undefined {
  const parts = value.split(' ').map(Number);
  if ((parts.length !== 5 && parts.length !== 7) || parts.some((n) => !Number.isFinite(n))) return undefined;
  const [successes, failures, latencySum, latencyCount, at, recentSuccesses = 0, recentFailures = 0] = parts as [number, number, number, number, number, number?, number?];
  return { ...parseStatField(field), successes, failures, latencySum, latencyCount, recentSuccesses, recentFailures, at };
}

/** Redis and connection failures become `StoreUnavailableError`; our own errors pass through. */
async function guard<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof ScoringScriptError || err instanceof ScoringScriptLoadError) throw err;
    throw new StoreUnavailableError(`scoring store: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
