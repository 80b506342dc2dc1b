import { describe, expect, it } from 'vitest';
import { fullJitterBackoffMs, retryDelayMs } from '../../../providers/resilience/index.js';

const options = { baseMs: 100, maxMs: 1_000 };

describe('fullJitterBackoffMs', () => {
  it('grows exponentially up to the cap', () => {
    const top = () => 0.999999;
    expect(fullJitterBackoffMs(1, options, top)).toBe(99);
    expect(fullJitterBackoffMs(2, options, top)).toBe(199);
    expect(fullJitterBackoffMs(3, options, top)).toBe(399);
    expect(fullJitterBackoffMs(5, options, top)).toBe(999);
    expect(fullJitterBackoffMs(500, options, top)).toBe(999);
  });

  it('is uniformly spread from zero (full jitter)', () => {
    expect(fullJitterBackoffMs(3, options, () => 0)).toBe(0);
    expect(fullJitterBackoffMs(3, options, () => 0.5)).toBe(200);
  });
});

describe('retryDelayMs', () => {
  it('honours Retry-After with at most 10% (at most baseMs) of extra jitter', () => {
    expect(retryDelayMs(1, 2_000, options, () => 0)).toBe(2_000);
    expect(retryDelayMs(1, 2_000, options, () => 1)).toBe(2_100);
    expect(retryDelayMs(1, 50, options, () => 1)).toBe(55);
  });

  it('falls back to backoff without Retry-After', () => {
    expect(retryDelayMs(2, undefined, options, () => 0.5)).toBe(100);
  });
});
