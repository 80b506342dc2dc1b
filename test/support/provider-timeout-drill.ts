/**
 * The timeout drill every HTTP provider adapter passes against its mock: a send the provider never
 * answers ends as `retry` (timeout), a dropped connection as a `retry` (network), and the same adapter
 * then sends again as if nothing happened (its pool dropped the dead connection).
 */
import { expect } from 'vitest';
import type { SendOutcome } from '../../providers/provider.js';

export async function expectTimeoutThenRecovery<P extends { close(): Promise<void> }>(
  /** An adapter built with a short timeout (the drill waits it out once). */
  impatient: P,
  /** Scripts the mock: the next request hangs, the one after has its connection dropped. */
  hangThenDrop: () => void,
  send: (provider: P) => Promise<SendOutcome[]>,
): Promise<void> {
  try {
    hangThenDrop();
    expect(await send(impatient)).toEqual([{ kind: 'retry', reason: 'timeout' }]);
    const [dropped] = await send(impatient);
    expect(dropped).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/^network/) });
    expect(await send(impatient)).toEqual([{ kind: 'accepted', providerMessageId: expect.any(String) }]);
  } finally {
    await impatient.close();
  }
}
