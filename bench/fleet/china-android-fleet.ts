/**
 * A China-market Android fleet, the case pushmux was born from: most devices lack Google services, each
 * phone maker runs its own push channel that only works on its phones, JPush (a long connection kept by
 * the app) survives only as well as the ROM lets background apps live, and individual models contradict
 * their brand (old ROMs with a broken maker channel, global editions with GMS, ROMs that whitelist JPush).
 */
import { createSeededRandom, type RandomSource } from '../../scoring/index.js';
import { ZipfSampler } from './zipf.js';
import type { Fleet, Incident, ModelTruth, ProviderTruth } from './fleet.js';

interface BrandSpec {
  brand: string;
  /** The maker's push channel, if it has one among pushmux's providers. */
  channel?: string;
  /** How hard the ROM kills background apps, 0..1 (drives JPush). */
  kill: number;
  /** Share of models shipping Google services (drives FCM). */
  gms: number;
  models: number;
}

const BRANDS: BrandSpec[] = [
  { brand: 'huawei', channel: 'hms', kill: 0.7, gms: 0.1, models: 34 },
  { brand: 'honor', channel: 'honor', kill: 0.6, gms: 0.15, models: 24 },
  { brand: 'xiaomi', channel: 'xiaomi', kill: 0.6, gms: 0.3, models: 28 },
  { brand: 'redmi', channel: 'xiaomi', kill: 0.65, gms: 0.25, models: 28 },
  { brand: 'oppo', channel: 'oppo', kill: 0.85, gms: 0.2, models: 28 },
  { brand: 'oneplus', channel: 'oppo', kill: 0.5, gms: 0.6, models: 14 },
  { brand: 'realme', channel: 'oppo', kill: 0.8, gms: 0.3, models: 14 },
  { brand: 'vivo', channel: 'vivo', kill: 0.8, gms: 0.15, models: 28 },
  { brand: 'iqoo', channel: 'vivo', kill: 0.75, gms: 0.1, models: 12 },
  { brand: 'samsung', kill: 0.35, gms: 0.7, models: 26 },
  { brand: 'meizu', kill: 0.5, gms: 0.05, models: 10 },
];

/** Options of the fleet; defaults give 246 models across 11 brands. */
export interface ChinaFleetOptions {
  seed: number;
  /** Zipf exponent of traffic over models. Default 1.0. */
  zipf?: number;
  /** Share of models given an exception that contradicts their brand. Default 0.15. */
  exceptionShare?: number;
  /** The mid-run incident. Default: the xiaomi channel collapses on brand xiaomi. */
  incident?: Omit<Incident, 'brand' | 'provider'> & Partial<Pick<Incident, 'brand' | 'provider'>>;
}

function uniform(random: RandomSource, lo: number, hi: number): number {
  return lo + (hi - lo) * random();
}

function clamp(x: number): number {
  return Math.min(0.995, Math.max(0.01, x));
}

function makerChannel(random: RandomSource): ProviderTruth {
  return { delivery: uniform(random, 0.93, 0.985), medianLatencyMs: uniform(random, 250, 700), latencySigma: 0.5 };
}

function fcm(random: RandomSource, gms: boolean): ProviderTruth {
  return gms
    ? { delivery: uniform(random, 0.88, 0.96), medianLatencyMs: uniform(random, 400, 1200), latencySigma: 0.6 }
    : { delivery: uniform(random, 0.05, 0.35), medianLatencyMs: uniform(random, 1500, 4000), latencySigma: 0.9 };
}

function jpush(random: RandomSource, kill: number): ProviderTruth {
  const noise = (random() + random() + random() - 1.5) * 0.1;
  return { delivery: clamp(0.97 - 0.55 * kill + noise), medianLatencyMs: uniform(random, 600, 2000), latencySigma: 0.8 };
}

/** Builds the fleet; the same seed always gives the same fleet. */
export function buildChinaAndroidFleet(opts: ChinaFleetOptions): Fleet {
  const random = createSeededRandom(opts.seed);
  const exceptionShare = opts.exceptionShare ?? 0.15;
  const models: ModelTruth[] = [];
  for (const spec of BRANDS) {
    for (let i = 0; i < spec.models; i++) {
      const gms = random() < spec.gms;
      const providers: Record<string, ProviderTruth> = { fcm: fcm(random, gms), jpush: jpush(random, spec.kill) };
      let exception: string | undefined;
      if (spec.channel !== undefined) providers[spec.channel] = makerChannel(random);
      // Structure, not noise: Honor phones from before the split still carry Huawei's HMS, not Honor's channel.
      if (spec.brand === 'honor' && i % 3 === 0) {
        delete providers.honor;
        providers.hms = makerChannel(random);
      }
      // OnePlus phones on OxygenOS have no OPPO channel.
      if (spec.brand === 'oneplus' && i % 2 === 0) delete providers.oppo;
      if (random() < exceptionShare) {
        const kind = random();
        const own = spec.channel === undefined ? undefined : providers[spec.channel];
        if (own !== undefined && kind < 0.4) {
          own.delivery = uniform(random, 0.35, 0.7);
          exception = 'maker channel broken on this ROM';
        } else if (kind < 0.7) {
          providers.jpush = { delivery: uniform(random, 0.95, 0.99), medianLatencyMs: uniform(random, 300, 700), latencySigma: 0.5 };
          exception = 'ROM whitelists the app: JPush survives';
        } else {
          providers.fcm = { delivery: uniform(random, 0.96, 0.99), medianLatencyMs: uniform(random, 300, 600), latencySigma: 0.5 };
          exception = 'global edition with Google services';
        }
      }
      const truth: ModelTruth = { platform: 'android', brand: spec.brand, model: `${spec.brand} m${String(i + 1).padStart(2, '0')}`, providers };
      if (exception !== undefined) truth.exception = exception;
      models.push(truth);
    }
  }
  // Traffic rank is independent of brand: shuffle models, then weight by Zipf over the shuffled order.
  for (let i = models.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [models[i], models[j]] = [models[j] as ModelTruth, models[i] as ModelTruth];
  }
  const incident: Incident = {
    brand: opts.incident?.brand ?? 'xiaomi',
    provider: opts.incident?.provider ?? 'xiaomi',
    startMs: opts.incident?.startMs ?? 100 * 60_000,
    endMs: opts.incident?.endMs ?? 160 * 60_000,
    delivery: opts.incident?.delivery ?? 0.1,
  };
  return {
    name: 'china-android',
    models,
    weights: ZipfSampler.weights(models.length, opts.zipf ?? 1.0),
    incidents: [incident],
  };
}
