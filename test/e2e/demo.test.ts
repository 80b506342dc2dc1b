/**
 * `npm run demo` as a function: a bounded run of the embedded-default gateway with its simulated fleet,
 * steady traffic and the Xiaomi incident ends with scores that prefer each maker's own channel for at
 * least three brands, and urgent notifications to phones no push channel reaches go out as SMS. Reads
 * the returned scores and totals and the printed lines; asserts no timings.
 */
import { describe, expect, it } from 'vitest';
import { MAKER_CHANNEL, preferredByBrand, runDemo } from '../../src/demo/demo.js';
import type { ScoreRow } from '../../scoring/index.js';

const env = { vars: {}, port: '0', host: '127.0.0.1', demoKey: 'demo-test-key-0123456789' };

describe('npm run demo', () => {
  it('learns the maker channels of at least three brands through an incident', async () => {
    const lines: string[] = [];
    // More unreachable phones and urgent notifications than the defaults, so that within 15 s enough
    // urgent notifications walk a whole plan (about 6 s of deadlines) to reach SMS.
    const result = await runDemo({
      seconds: 15, ratePerSecond: 60, devices: 200, ackDeadlineMs: 1_500, progressEveryMs: 2_000,
      unreachableShare: 0.1, smsShare: 0.3, env, print: (l) => lines.push(l),
    });

    expect(lines[0]).toMatch(/^pushmux demo: dashboard http:\/\/127\.0\.0\.1:\d+\/dashboard /);
    expect(lines.some((l) => /INCIDENT/.test(l))).toBe(true);
    expect(lines.some((l) => /sent \d+ {2}delivered \d+ {2}fallbacks \d+ {2}SMS \d+/.test(l))).toBe(true);
    // A fifth of the fleet holds pushmux's own WebSocket through the client SDK.
    expect(lines.some((l) => /connections [1-9]\d*/.test(l))).toBe(true);
    expect(result.totals.sent).toBeGreaterThan(0);
    expect(result.totals.delivered).toBeGreaterThan(0);
    expect(result.totals.delivered).toBeLessThanOrEqual(result.totals.sent);
    expect(result.totals.fallbacks).toBeGreaterThan(0);
    // Urgent notifications to phones no push reaches end as texts, and the progress lines say so.
    expect(result.totals.sms, lines.join('\n')).toBeGreaterThan(0);
    expect(lines.some((l) => /SMS [1-9]\d*/.test(l))).toBe(true);

    const prefer = preferredByBrand(result.scores);
    const makersPreferred = Object.entries(MAKER_CHANNEL).filter(([brand, channel]) => prefer.get(brand) === channel).map(([brand]) => brand);
    expect(makersPreferred.length, `preferred: ${JSON.stringify([...prefer])}`).toBeGreaterThanOrEqual(3);
    // Where the maker channel wins, it wins over FCM by a clear margin, with real samples behind it.
    for (const brand of makersPreferred) {
      const row = (provider: string) => result.scores.find((r) => r.level === 'brand' && r.brand === brand && r.provider === provider);
      expect(row(MAKER_CHANNEL[brand]!)!.samples).toBeGreaterThan(5);
      const fcm = row('fcm');
      if (fcm) expect(row(MAKER_CHANNEL[brand]!)!.estimate).toBeGreaterThan(fcm.estimate);
    }
  }, 90_000);

  it('prefers among push providers only, never the fixed last steps (SMS, long connection)', () => {
    const row = (brand: string, provider: string, estimate: number): ScoreRow =>
      ({ level: 'brand', platform: 'android', brand, provider, estimate, lower: 0, upper: 1, samples: 3 });
    const prefer = preferredByBrand([
      row('huawei', 'hms', 0.92), row('huawei', 'sms', 0.95), row('huawei', 'fcm', 0.2),
      row('oppo', 'longconn', 0.99), row('oppo', 'oppo', 0.9),
      { ...row('vivo', 'vivo', 0.99), level: 'model', model: 'x90' },
    ]);
    expect([...prefer]).toEqual([['huawei', 'hms'], ['oppo', 'oppo']]);
  });

  it('stops at once when its signal is aborted (Ctrl-C) and still reports', async () => {
    const lines: string[] = [];
    const result = await runDemo({ seconds: 60, devices: 20, env, signal: AbortSignal.abort(), print: (l) => lines.push(l) });
    expect(result.totals.sent).toBe(0);
    expect(lines.at(-2)).toMatch(/^pushmux demo done: sent 0 /);
  }, 30_000);
});
