import { describe, expect, it } from 'vitest';
import { backoff, SeenIds } from '../../../clients/js/index.js';

describe('SDK helpers', () => {
  it('backoff: between the minimum and a cap that doubles up to the maximum', () => {
    expect(backoff(0, 100, 10_000, () => 0)).toBe(100);
    expect(backoff(0, 100, 10_000, () => 0.999)).toBe(199);
    expect(backoff(3, 100, 10_000, () => 0.999)).toBe(899);
    expect(backoff(40, 100, 10_000, () => 0.999)).toBe(10_000);
  });

  it('SeenIds: first sight only, forgetting the oldest past capacity', () => {
    const seen = new SeenIds(2);
    expect(seen.add('a')).toBe(true);
    expect(seen.add('a')).toBe(false);
    seen.add('b');
    seen.add('c');
    expect(seen.add('a')).toBe(true);
    expect(seen.add('c')).toBe(false);
  });
});
