import { GatewayError, StoreUnavailableError } from '../../errors/index.js';

/**
 * Runs a Redis operation and turns any connection or server failure into StoreUnavailableError, which
 * the API answers with 503: the caller learns storage is down, never a bare 500.
 */
export async function guard<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    throw new StoreUnavailableError(`redis ${operation} failed: ${(error as Error).message}`, { cause: error });
  }
}
