/**
 * The YAML config file's schema. Validated once at start-up (load-config.ts); every field has a default
 * where a sensible one exists, so a minimal file is a few lines.
 */
import Type, { type Static } from 'typebox';

export const SCOPES = ['send', 'devices', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

const Match = Type.Object(
  {
    platform: Type.Optional(Type.String({ minLength: 1 })),
    brand: Type.Optional(Type.String({ minLength: 1 })),
    model: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

/** A per-device-type rule: platform/brand/model globs ('*' wildcard, case-insensitive). */
export const RoutingRuleSchema = Type.Object(
  {
    match: Match,
    prefer: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    pin: Type.Optional(Type.String({ minLength: 1 })),
    allow: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    deny: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    deadlineMs: Type.Optional(Type.Integer({ minimum: 100 })),
    policy: Type.Optional(Type.Union([Type.Literal('thompson'), Type.Literal('ucb'), Type.Literal('greedy')])),
    exploration: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  },
  { additionalProperties: false },
);
export type RoutingRuleConfig = Static<typeof RoutingRuleSchema>;

const ApiKey = Type.Object(
  {
    name: Type.Optional(Type.String()),
    key: Type.String({ minLength: 16 }),
    scopes: Type.Array(Type.Union(SCOPES.map((s) => Type.Literal(s))), { minItems: 1 }),
  },
  { additionalProperties: false },
);

const LatencyRange = Type.Object(
  { min: Type.Integer({ minimum: 0 }), max: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);

/** Simulated delivery for one device class; see providers/sandbox. */
const SandboxBehaviour = Type.Object(
  {
    acceptRate: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    deliveryRate: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    latencyMs: Type.Optional(LatencyRange),
  },
  { additionalProperties: false },
);

export const SandboxOptionsSchema = Type.Object(
  {
    acceptRate: Type.Number({ minimum: 0, maximum: 1, default: 0.99 }),
    deliveryRate: Type.Number({ minimum: 0, maximum: 1, default: 0.9 }),
    latencyMs: Type.Object(
      { min: Type.Integer({ minimum: 0, default: 20 }), max: Type.Integer({ minimum: 0, default: 200 }) },
      { additionalProperties: false, default: {} },
    ),
    byDevice: Type.Array(
      Type.Object({ match: Match, behaviour: SandboxBehaviour }, { additionalProperties: false }),
      { default: [] },
    ),
  },
  { additionalProperties: false },
);
export type SandboxOptions = Static<typeof SandboxOptionsSchema>;

/**
 * One provider of an app. `sandbox` present → simulated; otherwise the live adapter validates the
 * remaining fields (credentials, endpoint) itself.
 */
export const ProviderEntrySchema = Type.Object(
  { sandbox: Type.Optional(SandboxOptionsSchema) },
  { additionalProperties: true },
);

export const AppSchema = Type.Object(
  {
    apiKeys: Type.Array(ApiKey, { minItems: 1 }),
    providers: Type.Record(Type.String(), ProviderEntrySchema, { default: {} }),
    rules: Type.Array(RoutingRuleSchema, { default: [] }),
    /** Where invalid tokens are reported (JSON POST with `X-Pushmux-Secret`). */
    feedback: Type.Optional(
      Type.Object(
        { url: Type.String({ minLength: 1 }), secret: Type.String({ minLength: 8 }) },
        { additionalProperties: false },
      ),
    ),
    /**
     * Whether the app's client acks what it receives. false: a provider's acceptance ends a delivery
     * (no deadlines, no escalation), so apps without an acking client are not sent copies.
     */
    acks: Type.Boolean({ default: true }),
    /**
     * SMS, the paid last resort of a plan, for notifications that ask for it (`sms.text`) to devices
     * with a phone. Exactly one sender: twilio, aliyun, webhook (validated by the sender), or sandbox.
     */
    sms: Type.Optional(
      Type.Object(
        {
          sandbox: Type.Optional(SandboxOptionsSchema),
          /** SMS to one phone number per hour at most; more are refused (they cost money and annoy). */
          perPhonePerHour: Type.Integer({ minimum: 1, default: 3 }),
          /**
           * What one text costs this app, in the scoring utility's units (delivery probability: 0.3
           * means a text must deliver 30 points better than a push provider to go ahead of it).
           * Default: `scoring.costs.sms` (0.3). For a notification that asks for SMS, the text goes
           * ahead of every push provider whose expected utility (estimated delivery − latency weight ×
           * latency − its cost) is below the text's (SMS's estimated delivery for the device class −
           * latency − this cost), right after the long connection; behind every provider that does
           * at least as well. Lower it for a cheap SMS contract (texts move up sooner), raise it for a
           * dear one (texts stay last unless push providers fail more).
           */
          costPerMessage: Type.Optional(Type.Number({ minimum: 0 })),
        },
        { additionalProperties: true },
      ),
    ),
    /**
     * Secrets to verify providers' delivery receipts at POST /v1/apps/:app/receipts/:provider. Xiaomi,
     * OPPO and vivo reuse their provider block's callbackSecret, Twilio its sms.twilio.authToken,
     * unless set here.
     */
    receipts: Type.Optional(
      Type.Object(
        {
          /** The URL providers call, as they see it (behind a proxy); Twilio signs it. */
          publicBaseUrl: Type.Optional(Type.String({ minLength: 1 })),
          hms: Type.Optional(Type.Object({ callbackUser: Type.String({ minLength: 1 }), callbackSecret: Type.String({ minLength: 8 }) }, { additionalProperties: false })),
          xiaomi: Type.Optional(Type.Object({ callbackSecret: Type.String({ minLength: 8 }) }, { additionalProperties: false })),
          oppo: Type.Optional(Type.Object({ callbackSecret: Type.String({ minLength: 8 }) }, { additionalProperties: false })),
          vivo: Type.Optional(Type.Object({ callbackSecret: Type.String({ minLength: 8 }) }, { additionalProperties: false })),
          twilio: Type.Optional(Type.Object({ authToken: Type.String({ minLength: 8 }) }, { additionalProperties: false })),
        },
        { additionalProperties: false },
      ),
    ),
    /**
     * Web origins whose pages may ack and poll the inbox from the browser (the JS SDK on another
     * origin than the gateway), e.g. "https://shop.example". Only the device routes answer CORS; the
     * API-key routes are for servers and never do.
     */
    browserOrigins: Type.Array(Type.String({ pattern: '^https?://[^/?#]+$' }), { default: [] }),
    /** pushmux's own long connection as a plan step after the providers (issue 6). */
    longConnection: Type.Object(
      { enabled: Type.Boolean({ default: true }) },
      { additionalProperties: false, default: {} },
    ),
    defaults: Type.Object(
      {
        ttlSeconds: Type.Integer({ minimum: 0, maximum: 2_419_200, default: 86_400 }),
        /** How long a step waits for its ack before the plan moves on. */
        ackDeadlineMs: Type.Integer({ minimum: 100, default: 30_000 }),
        /** The same for `priority: high` notifications (default: ackDeadlineMs). */
        highPriorityAckDeadlineMs: Type.Optional(Type.Integer({ minimum: 100 })),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);
export type AppConfig = Static<typeof AppSchema>;

export const ConfigSchema = Type.Object(
  {
    server: Type.Object(
      {
        port: Type.Integer({ minimum: 0, maximum: 65_535, default: 8080 }),
        host: Type.String({ default: '0.0.0.0' }),
        bodyLimitBytes: Type.Integer({ minimum: 1024, default: 1_048_576 }),
        batchBodyLimitBytes: Type.Integer({ minimum: 1024, default: 16_777_216 }),
        logLevel: Type.Union(
          ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
          { default: 'info' },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    redis: Type.Object(
      {
        /** Absent → the embedded memory stores (one process, nothing survives a restart). */
        url: Type.Optional(Type.String({ minLength: 1 })),
        /** `url` lists Redis Cluster seed nodes, comma-separated. */
        cluster: Type.Boolean({ default: false }),
        keyPrefix: Type.String({ minLength: 1, default: 'pm' }),
      },
      { additionalProperties: false, default: {} },
    ),
    pipeline: Type.Object(
      {
        /** Run delivery workers in this process; false makes an API-only node. */
        worker: Type.Boolean({ default: true }),
        /** Deliveries a process works on at once. */
        concurrency: Type.Integer({ minimum: 1, default: 256 }),
        /** Devices per queued job: one job fans out to this many deliveries. */
        devicesPerJob: Type.Integer({ minimum: 1, maximum: 10_000, default: 500 }),
        /** A job held this long by a silent worker is taken over by another. */
        reclaimIdleMs: Type.Integer({ minimum: 1000, default: 60_000 }),
        /** How long notifications and their timelines are kept. */
        retentionSeconds: Type.Integer({ minimum: 60, default: 604_800 }),
        idempotencyTtlSeconds: Type.Integer({ minimum: 60, default: 86_400 }),
        /** Bounded tries of one provider step on transient errors. */
        maxTriesPerStep: Type.Integer({ minimum: 1, maximum: 10, default: 3 }),
        /** How often each instance looks for expired ack deadlines. */
        deadlineTickMs: Type.Integer({ minimum: 10, default: 250 }),
        /** How long an instance may hold a claimed deadline before another takes it over. */
        deadlineLeaseMs: Type.Integer({ minimum: 1000, default: 30_000 }),
        /**
         * A deadline first looked at more than deadlineLeaseMs after it fell due fell while no instance
         * was sweeping (an outage): its step waits this much longer for the device's retried ack before
         * the plan moves on, and no failure is scored for it. 0 = escalate at once.
         */
        outageGraceMs: Type.Integer({ minimum: 0, default: 30_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /**
     * pushmux's own WebSocket channel, per node (src/connect/). Every field is optional: unset ones take
     * the production defaults of src/connect/connect-options.ts, which also checks how they fit together.
     * No node id here: it must differ per process, so each process makes its own.
     */
    connect: Type.Optional(Type.Object(
      {
        maxFrameBytes: Type.Optional(Type.Integer({ minimum: 1 })),
        heartbeatIntervalMs: Type.Optional(Type.Integer({ minimum: 1 })),
        idleTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
        maxBufferedBytes: Type.Optional(Type.Integer({ minimum: 1 })),
        inboxMaxMessages: Type.Optional(Type.Integer({ minimum: 1 })),
        maxFramesPerSecond: Type.Optional(Type.Integer({ minimum: 1 })),
        frameBurst: Type.Optional(Type.Integer({ minimum: 1 })),
        maxTokenLifetimeMs: Type.Optional(Type.Integer({ minimum: 1 })),
        presenceTtlMs: Type.Optional(Type.Integer({ minimum: 1 })),
        inboxSweepIntervalMs: Type.Optional(Type.Integer({ minimum: 1 })),
      },
      { additionalProperties: false },
    )),
    /** How providers are ranked per device class from measured acks (scoring/). */
    scoring: Type.Object(
      {
        /**
         * Outcomes lose half their weight after this long. Short enough that an outage or a fix shows
         * within minutes (bench:routing recovers in minutes at 300 s, in tens of minutes at 1800 s).
         */
        halfLifeSeconds: Type.Number({ exclusiveMinimum: 0, default: 300 }),
        /** Half-life of the recent counters that detect a provider collapsing or recovering (0 = off). */
        recentHalfLifeSeconds: Type.Number({ minimum: 0, default: 60 }),
        /** |z| at which recent outcomes disagreeing with older ones make a class forget the older ones (0 = off). */
        changeThreshold: Type.Number({ minimum: 0, default: 4 }),
        policy: Type.Union([Type.Literal('thompson'), Type.Literal('ucb'), Type.Literal('greedy')], { default: 'thompson' }),
        /** Most a class's recent first picks may stray from the greedy choice (0 = always greedy). */
        exploration: Type.Number({ minimum: 0, maximum: 1, default: 0.1 }),
        /** Thompson explores an arm only within this many sd of the greedy one's mean (0 = any arm). */
        explorationOverlap: Type.Number({ minimum: 0, default: 2 }),
        /** Utility weight per second of expected ack latency. */
        latencyWeight: Type.Number({ minimum: 0, default: 0.002 }),
        /** Utility cost per message, by channel (SMS costs money); an app's `sms.costPerMessage` overrides `sms`. */
        costs: Type.Record(Type.String(), Type.Number({ minimum: 0 }), { default: { sms: 0.3 } }),
        snapshotRefreshMs: Type.Integer({ minimum: 100, default: 2_000 }),
        flushIntervalMs: Type.Integer({ minimum: 10, default: 500 }),
        /** Cap on how many pseudo-samples a parent class lends a child as its prior. */
        priorStrength: Type.Number({ exclusiveMinimum: 0, default: 10 }),
      },
      { additionalProperties: false, default: {} },
    ),
    apps: Type.Record(Type.String({ pattern: "^[a-z0-9][a-z0-9_-]{0,63}$" }), AppSchema, { default: {} }),
  },
  { additionalProperties: false },
);
export type GatewayConfig = Static<typeof ConfigSchema>;
