import type { OptionReader } from './option-reader.js';
import type { ResilienceOptions } from './resilient-provider.js';

/** Per-provider defaults for the resilience knobs that differ by channel. */
export interface ResilienceDefaults {
  timeoutMs: number;
  concurrency: number;
  ratePerMinute?: number;
}

/**
 * Reads the resilience knobs an app may set on any provider block: `timeoutMs`, `maxAttempts`,
 * `concurrency`, `queueLimit`, `ratePerMinute`, `breakerThreshold`, `halfOpenAfterMs`.
 */
export function readResilienceOptions(
  reader: OptionReader,
  appId: string,
  defaults: ResilienceDefaults,
): ResilienceOptions {
  const options: ResilienceOptions = {
    appId,
    timeoutMs: reader.optionalInteger('timeoutMs', 100, 120_000) ?? defaults.timeoutMs,
    maxAttempts: reader.optionalInteger('maxAttempts', 1, 10) ?? 3,
    concurrency: reader.optionalInteger('concurrency', 1, 100_000) ?? defaults.concurrency,
    queueLimit: reader.optionalInteger('queueLimit', 0, 10_000_000) ?? 10_000,
    breakerThreshold: reader.optionalInteger('breakerThreshold', 1, 1_000) ?? 5,
    halfOpenAfterMs: reader.optionalInteger('halfOpenAfterMs', 10, 3_600_000) ?? 30_000,
  };
  const rate = reader.optionalInteger('ratePerMinute', 1, 100_000_000) ?? defaults.ratePerMinute;
  if (rate !== undefined) options.ratePerMinute = rate;
  return options;
}
