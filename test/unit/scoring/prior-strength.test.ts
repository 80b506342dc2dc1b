import { describe, expect, it } from 'vitest';
import { estimatePriorStrengths, statField, type StatCounters } from '../../../scoring/index.js';

const H = { halfLifeMs: 60_000, recentHalfLifeMs: 0 };
const c = (successes: number, failures: number): StatCounters => ({ successes, failures, latencySum: 0, latencyCount: 0, recentSuccesses: 0, recentFailures: 0, at: 0 });

function brandWith(provider: string, children: Array<[number, number]>): Map<string, Map<string, StatCounters>> {
  const nodes = new Map<string, Map<string, StatCounters>>();
  children.forEach(([s, f], i) => nodes.set(`android\txiaomi\tm${i}`, new Map([[provider, c(s, f)]])));
  return nodes;
}

describe('empirical-Bayes prior strength', () => {
  it('keeps the maximum when the children agree', () => {
    const nodes = brandWith('xiaomi', [
      [95, 5],
      [190, 10],
      [48, 2],
      [96, 4],
    ]);
    expect(estimatePriorStrengths(nodes, 0, H, 10).get(statField('android\txiaomi', 'xiaomi'))).toBeUndefined();
  });

  it('weakens the prior when the children disagree', () => {
    const nodes = brandWith('fcm', [
      [95, 5],
      [5, 95],
      [90, 10],
      [10, 90],
    ]);
    const k = estimatePriorStrengths(nodes, 0, H, 10).get(statField('android\txiaomi', 'fcm'));
    expect(k).toBeGreaterThanOrEqual(1);
    expect(k).toBeLessThan(2);
  });

  it('needs three children with data before trusting the spread', () => {
    const nodes = brandWith('fcm', [
      [100, 0],
      [0, 100],
    ]);
    expect(estimatePriorStrengths(nodes, 0, H, 10).size).toBe(0);
  });
});
