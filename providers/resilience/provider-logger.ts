/** The slice of a pino-style logger the providers use. Objects passed to it never hold secrets. */
export interface ProviderLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/**
 * Logs a warning at most once per `intervalMs` per key, so a provider that fails every call (a revoked
 * key at 10,000 pushes a second) gives one line a minute instead of a flood.
 */
export class ThrottledWarning {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly logger: ProviderLogger | undefined,
    private readonly intervalMs = 60_000,
  ) {}

  warn(key: string, obj: object, msg: string): void {
    if (!this.logger) return;
    const now = Date.now();
    const previous = this.last.get(key);
    if (previous !== undefined && now - previous < this.intervalMs) return;
    this.last.set(key, now);
    this.logger.warn(obj, msg);
  }
}
