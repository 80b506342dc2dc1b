/** A token and the time (ms since epoch) after which it should be fetched again. */
export interface FetchedToken {
  token: string;
  refreshAt: number;
}

/**
 * An access token cached until its `refreshAt`; concurrent callers share one fetch. The shared fetch
 * runs on its own deadline (the fetcher's), so one caller's abort must not fail the others.
 */
export class CachedToken {
  private readonly fetchToken: () => Promise<FetchedToken>;
  private cached: FetchedToken | undefined;
  private inflight: Promise<string> | undefined;

  constructor(fetchToken: () => Promise<FetchedToken>) {
    this.fetchToken = fetchToken;
  }

  /** A valid token; rejects with whatever the fetcher throws. */
  get(): Promise<string> {
    if (this.cached && Date.now() < this.cached.refreshAt) return Promise.resolve(this.cached.token);
    this.inflight ??= this.fetch().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Drops `token` if it is still the cached one (a newer token fetched meanwhile stays); no argument drops any. */
  invalidate(token?: string): void {
    if (token === undefined || this.cached?.token === token) this.cached = undefined;
  }

  private async fetch(): Promise<string> {
    this.cached = await this.fetchToken();
    return this.cached.token;
  }
}
