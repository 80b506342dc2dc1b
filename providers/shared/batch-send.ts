import type { PushTarget, SendOutcome } from '../provider.js';

/**
 * The send loop of the Android maker adapters: a non-Android target is `unsupported-platform`; when
 * `refusal` is given (the message cannot go at all: too large, data-only, ...) every Android target gets
 * it; the rest go in batches of at most `batchSize` tokens, sent concurrently through `sendBatch`, which
 * answers one outcome per token in order. Returns one outcome per target, in order.
 */
export async function sendAndroidBatches(
  targets: readonly PushTarget[],
  batchSize: number,
  refusal: SendOutcome | undefined,
  sendBatch: (tokens: string[]) => Promise<SendOutcome[]>,
): Promise<SendOutcome[]> {
  const outcomes = new Array<SendOutcome>(targets.length);
  const eligible: number[] = [];
  targets.forEach((target, index) => {
    if (target.platform !== 'android') outcomes[index] = { kind: 'rejected', reason: 'unsupported-platform' };
    else if (refusal !== undefined) outcomes[index] = { ...refusal };
    else eligible.push(index);
  });
  const batches: number[][] = [];
  for (let start = 0; start < eligible.length; start += batchSize) batches.push(eligible.slice(start, start + batchSize));
  await Promise.all(
    batches.map(async (batch) => {
      const results = await sendBatch(batch.map((i) => (targets[i] as PushTarget).token));
      batch.forEach((targetIndex, position) => {
        outcomes[targetIndex] = results[position] as SendOutcome;
      });
    }),
  );
  return outcomes;
}
