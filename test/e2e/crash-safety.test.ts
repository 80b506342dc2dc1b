/**
 * kill -9 mid-flight: nothing accepted is lost. A restarted instance, or a peer that was running all
 * along, finishes every delivery; duplicates are counted at the devices.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runCrashDrill } from '../support/crash-drill.js';
import { deleteKeys, newRedisClient, redisUrl, testPrefix } from '../support/redis.js';

const prefixes: string[] = [];
afterAll(async () => {
  const client = newRedisClient();
  for (const prefix of prefixes) await deleteKeys(client, prefix);
  await client.quit();
});

describe('crash safety', () => {
  it('shares the work between two instances on one Redis, each step done once', async () => {
    const keyPrefix = testPrefix();
    prefixes.push(keyPrefix);
    const result = await runCrashDrill({ redisUrl: redisUrl(), keyPrefix, notifications: 2_000, devices: 200, takeover: 'peer', kill: false, timeoutMs: 90_000 });
    expect(result.lost).toBe(0);
    expect(result.delivered).toBe(2_000);
    expect(result.duplicates).toBe(0);
  }, 150_000);

  it('finishes every accepted notification after kill -9 and a restart', async () => {
    const keyPrefix = testPrefix();
    prefixes.push(keyPrefix);
    const result = await runCrashDrill({ redisUrl: redisUrl(), keyPrefix, notifications: 2_000, devices: 200, takeover: 'restart', killAt: 0.4, timeoutMs: 90_000 });
    expect(result.accepted).toBe(2_000);
    expect(result.lost).toBe(0);
    expect(result.terminal).toBe(2_000);
    expect(result.delivered).toBe(2_000);
    // At-least-once: copies are possible for the steps in flight at the kill, never for the rest.
    expect(result.duplicates).toBeLessThan(result.accepted * 0.05);
  }, 150_000);

  it('has a peer instance take over the work of one killed mid-step, doing each step once otherwise', async () => {
    const keyPrefix = testPrefix();
    prefixes.push(keyPrefix);
    const result = await runCrashDrill({ redisUrl: redisUrl(), keyPrefix, notifications: 2_000, devices: 200, takeover: 'peer', killAt: 0.3, timeoutMs: 90_000, log: process.env.DRILL_VERBOSE ? (l) => console.log(l.slice(0, 2000)) : undefined });
    expect(result.lost).toBe(0);
    expect(result.delivered).toBe(2_000);
    expect(result.duplicates).toBeLessThan(result.accepted * 0.05);
  }, 150_000);
});
