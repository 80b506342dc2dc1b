/**
 * The root of pushmux's error hierarchy. Code that branches on an error uses `code`, never `message`.
 */
export class GatewayError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GatewayError';
    this.code = code;
  }
}

/** A configuration value that cannot work; `path` names the field, `fix` says what to do. */
export class ConfigError extends GatewayError {
  readonly path: string;
  readonly fix: string;

  constructor(path: string, problem: string, fix: string) {
    super('PUSHMUX_CONFIG_INVALID', `config ${path}: ${problem}. Fix: ${fix}`);
    this.name = 'ConfigError';
    this.path = path;
    this.fix = fix;
  }
}

/** Storage (Redis) could not be reached or answered an error: the API answers 503. */
export class StoreUnavailableError extends GatewayError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PUSHMUX_STORE_UNAVAILABLE', message, options);
    this.name = 'StoreUnavailableError';
  }
}
