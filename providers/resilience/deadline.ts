import { ProviderAbortedError, ProviderTimeoutError } from './provider-errors.js';

/** Options of {@link withDeadline}. */
export interface DeadlineOptions {
  /** Names the provider in the error message. */
  provider: string;
  timeoutMs: number;
  /** The caller's signal; aborting it ends the call at once. */
  signal?: AbortSignal | undefined;
  /**
   * False when `work` cannot use a signal (apns2, firebase-admin): no AbortController is made and the
   * caller's signal is only checked at the start, not listened to. A listener per call on a signal the
   * whole pipeline shares costs O(calls in flight) per call; a shutdown then waits for in-flight calls
   * (bounded by the timeout) instead of cutting them, which they could not honour anyway. Default true.
   */
  cancellable?: boolean;
}

/**
 * Runs `work` with a hard deadline. `work` receives a signal that fires on timeout or caller abort (unless
 * `cancellable` is false), so a transport that supports signals can release its request; the returned promise settles at the deadline
 * whether or not `work` cooperates (apns2 and firebase-admin cannot take a signal), rejecting with
 * {@link ProviderTimeoutError} or {@link ProviderAbortedError}.
 */
export function withDeadline<T>(work: (signal: AbortSignal | undefined) => Promise<T>, options: DeadlineOptions): Promise<T> {
  const { provider, timeoutMs, signal: parent } = options;
  if (parent?.aborted) return Promise.reject(new ProviderAbortedError(provider, { cause: parent.reason }));
  const controller = options.cancellable === false ? undefined : new AbortController();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (): void => {
      settled = true;
      clearTimeout(timer);
      if (controller) parent?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      if (settled) return;
      finish();
      const error = new ProviderAbortedError(provider, { cause: parent?.reason });
      controller?.abort(error);
      reject(error);
    };
    const timer = setTimeout(() => {
      if (settled) return;
      finish();
      const error = new ProviderTimeoutError(provider, timeoutMs);
      controller?.abort(error);
      reject(error);
    }, timeoutMs);
    if (controller) parent?.addEventListener('abort', onAbort, { once: true });
    work(controller?.signal).then(
      (value) => {
        if (settled) return;
        finish();
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        finish();
        reject(error);
      },
    );
  });
}
