import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { SeriesHistogram } from '../../../src/metrics/series-histogram.js';

const config = {
  name: 'pushmux_test_duration_seconds',
  help: 'A test histogram.',
  labelNames: ['method', 'route', 'status_code'] as const,
  buckets: [0.001, 0.01, 0.1, 1],
};

/** The same observations into prom-client's Histogram and into a SeriesHistogram, each in its own registry. */
function both(observations: [labels: { method: string; route: string; status_code: string }, value: number][]) {
  const reference = new Registry();
  const fast = new Registry();
  const histogram = new Histogram({ ...config, buckets: [...config.buckets], registers: [reference] });
  const series = new SeriesHistogram({ ...config, buckets: [...config.buckets], registers: [fast] });
  for (const [labels, value] of observations) {
    histogram.observe(labels, value);
    series.series(labels).observe(value);
  }
  return { reference, fast, histogram, series };
}

const post = { method: 'POST', route: '/v1/apps/:app/notifications', status_code: '202' };
const get = { method: 'GET', route: '/v1/apps/:app/notifications/:id', status_code: '404' };

describe('SeriesHistogram', () => {
  it('exports what prom-client exports for the same observations, bounds and overflow included', async () => {
    // On a bound counts in that bucket (le), above every bound only in +Inf.
    const { reference, fast } = both([[post, 0.0004], [post, 0.001], [post, 0.05], [get, 0.1], [post, 3], [get, 0.0101], [post, 0.001]]);
    expect(await fast.metrics()).toBe(await reference.metrics());
    expect(await fast.getMetricsAsJSON()).toEqual(await reference.getMetricsAsJSON());
    expect(await fast.metrics()).toContain('pushmux_test_duration_seconds_bucket{le="0.001",method="POST",route="/v1/apps/:app/notifications",status_code="202"} 3');
  });

  it('keeps one series per label set, and resets to zero like prom-client', async () => {
    const { reference, fast, histogram, series } = both([[post, 0.2], [post, 0.3]]);
    expect(series.series({ ...post })).toBe(series.series(post));
    histogram.reset();
    series.reset();
    histogram.observe(post, 0.002);
    series.series(post).observe(0.002);
    expect(await fast.metrics()).toBe(await reference.metrics());
  });

  it("refuses prom-client's own observe paths, whose counts it would never export", () => {
    const histogram: Histogram<string> = both([]).series;
    expect(() => histogram.observe(post, 1)).toThrow(/series\(\)/);
    expect(() => histogram.labels(post).observe(1)).toThrow(/series\(\)/);
    expect(() => histogram.startTimer(post)()).toThrow(/series\(\)/);
  });
});
