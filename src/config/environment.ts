/**
 * The only module that reads process.env (STYLE.md §5). Everything else receives typed options.
 */
export interface Environment {
  /** Path of the YAML config file. */
  configPath?: string;
  port?: string;
  host?: string;
  redisUrl?: string;
  demoKey?: string;
  logLevel?: string;
  /** CLI: base URL of a running gateway (PUSHMUX_URL). */
  gatewayUrl?: string;
  /** CLI: API key the CLI sends as a bearer token (PUSHMUX_KEY). Never printed. */
  apiKey?: string;
  /** All variables, for `${NAME}` references inside the config file (secrets stay out of the file). */
  vars: Readonly<Record<string, string | undefined>>;
}

/** Snapshot of the process environment. */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  return {
    configPath: env.PUSHMUX_CONFIG || undefined,
    port: env.PORT || undefined,
    host: env.HOST || undefined,
    redisUrl: env.REDIS_URL || undefined,
    demoKey: env.PUSHMUX_DEMO_KEY || undefined,
    logLevel: env.PUSHMUX_LOG_LEVEL || undefined,
    gatewayUrl: env.PUSHMUX_URL || undefined,
    apiKey: env.PUSHMUX_KEY || undefined,
    vars: { ...env },
  };
}
