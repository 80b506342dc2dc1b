/**
 * `npm run bench:scoring`: throughput of the scoring library's two hot paths, through its public API.
 *  - rank: calls per second on a warm snapshot (fleet-sized: 246 models, 3–4 eligible providers each);
 *  - record: outcomes per second into Redis (record() + flush() until Redis has applied every batch),
 *    on fleet traffic (many outcomes share a counter, so the engine's batching merges them) and on
 *    high-cardinality traffic (100,000 distinct models, almost nothing merges).
 * Uses REDIS_URL when set, else starts a throwaway redis-server. Prints one JSON line.
 *
 * Flags: --ranks N, --records N, --seed N.
 */
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import {
  MemoryScoringStore,
  RedisScoringStore,
  createScoringEngine,
  createSeededRandom,
  type DeviceClass,
  type ScoringEngine,
} from '../scoring/index.js';
import { startRedisServer, type RedisServerHandle } from '../test/support/redis-server.js';
import { buildChinaAndroidFleet, ZipfSampler } from './fleet/index.js';

const { values } = parseArgs({
  options: {
    ranks: { type: 'string', default: '2000000' },
    records: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '42' },
  },
});
const seed = Number(values.seed);
const random = createSeededRandom(seed);
const fleet = buildChinaAndroidFleet({ seed });
const classes: DeviceClass[] = fleet.models.map((m) => ({ platform: m.platform, brand: m.brand, model: m.model }));
const eligible = fleet.models.map((m) => Object.keys(m.providers).sort());
const zipf = new ZipfSampler(fleet.weights);

function seedOutcomes(engine: ScoringEngine, n: number): void {
  for (let i = 0; i < n; i++) {
    const index = zipf.sample(random());
    const model = fleet.models[index]!;
    const provider = eligible[index]![Math.floor(random() * eligible[index]!.length)]!;
    const delivered = random() < (model.providers[provider]?.delivery ?? 0);
    engine.record('bench', classes[index]!, provider, { delivered, latencyMs: delivered ? 500 : undefined });
  }
}

async function benchRank(n: number): Promise<{ ranks_per_second: number; calls: number }> {
  const engine = createScoringEngine({ store: new MemoryScoringStore(), config: {}, random: createSeededRandom(seed) });
  seedOutcomes(engine, 200_000);
  await engine.flush();
  await engine.refresh();
  // The message mix: Zipf over models, drawn ahead so the loop measures rank alone.
  const order = Int32Array.from({ length: 65_536 }, () => zipf.sample(random()));
  for (let i = 0; i < 100_000; i++) engine.rank('bench', classes[order[i & 65_535]!]!, eligible[order[i & 65_535]!]!);
  let sink = 0;
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const index = order[i & 65_535]!;
    sink += engine.rank('bench', classes[index]!, eligible[index]!).length;
  }
  const seconds = (performance.now() - started) / 1000;
  if (sink === 0) throw new Error('rank returned nothing');
  await engine.close();
  return { ranks_per_second: Math.round(n / seconds), calls: n };
}

async function benchRecord(redis: Redis, n: number, highCardinality: boolean) {
  const prefix = `bench-${Date.now().toString(36)}-${highCardinality ? 'hc' : 'fleet'}`;
  const engine = createScoringEngine({ store: new RedisScoringStore(redis, { prefix }), config: {} });
  const brands = [...new Set(fleet.models.map((m) => m.brand))];
  const hc: DeviceClass[] = highCardinality
    ? Array.from({ length: 100_000 }, (_, i) => ({ platform: 'android', brand: brands[i % brands.length]!, model: `model-${i}` }))
    : [];
  const started = performance.now();
  const flushes: Array<Promise<void>> = [];
  for (let i = 0; i < n; i++) {
    let cls: DeviceClass;
    let provider: string;
    if (highCardinality) {
      cls = hc[i % hc.length]!;
      provider = i % 3 === 0 ? 'fcm' : 'jpush';
    } else {
      const index = zipf.sample(random());
      cls = classes[index]!;
      provider = eligible[index]![i % eligible[index]!.length]!;
    }
    engine.record('bench', cls, provider, { delivered: (i & 7) !== 0, latencyMs: 300 + (i % 1000) });
    // What the flush timer does in the gateway: ship what is buffered every so often.
    if (i % 20_000 === 19_999) flushes.push(engine.flush());
  }
  flushes.push(engine.flush());
  await Promise.all(flushes);
  const seconds = (performance.now() - started) / 1000;
  await engine.refresh();
  const rows = engine.table('bench');
  const samples = rows.filter((r) => r.level === 'platform').reduce((sum, r) => sum + r.samples, 0);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  await engine.close();
  return {
    records_per_second: Math.round(n / seconds),
    records: n,
    stat_fields: rows.length,
    // Every outcome reached Redis (decay over the run's seconds is negligible at a 30-minute half-life).
    platform_samples_in_redis: Math.round(samples),
  };
}

let server: RedisServerHandle | undefined;
let url = process.env.REDIS_URL;
if (!url) {
  server = await startRedisServer();
  url = server.url;
}
const redis = new Redis(url, { maxRetriesPerRequest: 1 });
try {
  const rank = await benchRank(Number(values.ranks));
  const recordFleet = await benchRecord(redis, Number(values.records), false);
  const recordHighCardinality = await benchRecord(redis, Math.min(Number(values.records), 300_000), true);
  console.log(
    JSON.stringify({
      bench: 'scoring',
      seed,
      node: process.version,
      redis: process.env.REDIS_URL ? 'REDIS_URL' : 'spawned redis-server',
      rank,
      record_fleet: recordFleet,
      record_high_cardinality: recordHighCardinality,
      targets: {
        ranks_ge_500k_per_s: rank.ranks_per_second >= 500_000,
        records_ge_50k_per_s: Math.min(recordFleet.records_per_second, recordHighCardinality.records_per_second) >= 50_000,
      },
    }),
  );
} finally {
  await redis.quit();
  await server?.stop();
}
