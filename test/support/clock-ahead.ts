/** Moves the wall clock for token-expiry tests without fake timers. */
import { vi } from 'vitest';

/** Runs `work` with Date.now() moved `offsetMs` ahead (timers stay real, so sockets and deadlines behave). */
export async function withClockAhead<T>(offsetMs: number, work: () => Promise<T>): Promise<T> {
  const realNow = Date.now.bind(Date);
  const spy = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + offsetMs);
  try {
    return await work();
  } finally {
    spy.mockRestore();
  }
}
