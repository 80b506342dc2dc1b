import { ProviderAbortedError, ProviderTimeoutError } from './provider-errors.js';

/** Options of {@link withDeadline}. */
export interface DeadlineOptions {
  /** Names the provider in the error message. */
  provider: string;
  timeoutMs: number;
  /** The caller's signal; aborting it ends the call at once. */
  signal?: AbortSignal | undefined;
}

/**
 * Runs `work` with a hard deadline. `work` receives a signal that fires on timeout or caller abort, so a
 * transport that supports signals can release its request; the returned promise settles at the deadline
 * whether or not `work` cooperates (apns2 and firebase-admin cannot take a signal), rejecting with
 * {@link ProviderTimeoutError} or {@link ProviderAbortedError}.
 */
export function withDeadline<T>(work: (signal: AbortSignal) => Promise<T>, options: DeadlineOptions): Promise<T> {
  const { provider, timeoutMs, signal: parent } = options;
  if (parent?.aborted) return Promise.reject(new ProviderAbortedError(provider, { cause: parent.reason }));
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (): void => {
      settled = true;
      clearTimeout(timer);
      parent?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      if (settled) return;
      finish();
      const error = new ProviderAbortedError(provider, { cause: parent?.reason });
      controller.abort(error);
      reject(error);
    };
    const timer = setTimeout(() => {
      if (settled) return;
      finish();
      const error = new ProviderTimeoutError(provider, timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
    parent?.addEventListener('abort', onAbort, { once: true });
    work(controller.signal).then(
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
