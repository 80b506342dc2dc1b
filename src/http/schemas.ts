/**
 * Route schemas (TypeBox → JSON Schema): they validate requests, type the handlers, and generate the
 * OpenAPI document at /docs.
 */
import Type, { type Static } from 'typebox';
import { PROVIDER_NAMES } from '../../providers/provider.js';

const Id = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' });

export const AppParams = Type.Object({ app: Type.String({ minLength: 1, maxLength: 64 }) });
export const DeviceParams = Type.Object({ app: Type.String({ minLength: 1, maxLength: 64 }), deviceId: Id });
export const NotificationParams = Type.Object({ app: Type.String({ minLength: 1, maxLength: 64 }), id: Type.String({ minLength: 1, maxLength: 64 }) });

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) }),
  },
  { $id: 'ErrorResponse' },
);

const Tokens = Type.Object(
  Object.fromEntries(PROVIDER_NAMES.map((name) => [name, Type.Optional(Type.String({ minLength: 1, maxLength: 4096 }))])),
  { additionalProperties: false },
);

export const DeviceBody = Type.Object(
  {
    platform: Type.Union([Type.Literal('ios'), Type.Literal('android'), Type.Literal('web')]),
    brand: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    osVersion: Type.Optional(Type.String({ maxLength: 64 })),
    userId: Type.Optional(Id),
    phone: Type.Optional(Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$', description: 'E.164' })),
    tokens: Type.Optional(Tokens),
    sandbox: Type.Optional(Type.Boolean({ description: 'APNs token from the sandbox environment' })),
  },
  { additionalProperties: false },
);
export type DeviceBody = Static<typeof DeviceBody>;

const DeviceFields = {
  deviceId: Type.String(),
  platform: Type.String(),
  brand: Type.Optional(Type.String()),
  model: Type.Optional(Type.String()),
  osVersion: Type.Optional(Type.String()),
  userId: Type.Optional(Type.String()),
  phone: Type.Optional(Type.String()),
  channels: Type.Array(Type.String(), { description: 'Providers the device has a token for' }),
  sandbox: Type.Optional(Type.Boolean()),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
};
export const DeviceView = Type.Object(DeviceFields);
export const DeviceRegistered = Type.Object({
  ...DeviceFields,
  deviceKey: Type.String({ description: 'Secret the device signs acks and connections with; shown only here' }),
});

const ChannelName = Type.String({ minLength: 1, maxLength: 32 });

export const NotificationBody = Type.Object(
  {
    to: Type.Object(
      {
        deviceIds: Type.Optional(Type.Array(Id, { maxItems: 10_000 })),
        userIds: Type.Optional(Type.Array(Id, { maxItems: 1_000 })),
      },
      { additionalProperties: false },
    ),
    title: Type.Optional(Type.String({ maxLength: 1024 })),
    body: Type.Optional(Type.String({ maxLength: 8192 })),
    data: Type.Optional(Type.Record(Type.String({ maxLength: 256 }), Type.String())),
    priority: Type.Optional(Type.Union([Type.Literal('high'), Type.Literal('normal')])),
    ttlSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_419_200 })),
    collapseKey: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    idempotencyKey: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    ackDeadlineMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 86_400_000 })),
    channels: Type.Optional(
      Type.Object(
        { allow: Type.Optional(Type.Array(ChannelName, { maxItems: 16 })), deny: Type.Optional(Type.Array(ChannelName, { maxItems: 16 })) },
        { additionalProperties: false },
      ),
    ),
    sms: Type.Optional(Type.Object({ text: Type.String({ minLength: 1, maxLength: 1600 }) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export type NotificationBody = Static<typeof NotificationBody>;

export const Accepted = Type.Object({
  id: Type.String(),
  recipients: Type.Integer(),
  duplicate: Type.Optional(Type.Boolean({ description: 'The idempotency key was used before: this is the first answer' })),
  unknownDeviceIds: Type.Optional(Type.Array(Type.String())),
});

export const BatchBody = Type.Object(
  { notifications: Type.Array(NotificationBody, { minItems: 1, maxItems: 1_000 }) },
  { additionalProperties: false },
);

export const BatchResult = Type.Object({
  results: Type.Array(
    Type.Union([
      Accepted,
      Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) }) }),
    ]),
  ),
  accepted: Type.Integer(),
  rejected: Type.Integer(),
});

const Event = Type.Object({
  at: Type.String({ format: 'date-time' }),
  type: Type.String(),
  channel: Type.Optional(Type.String()),
  outcome: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
  providerMessageId: Type.Optional(Type.String()),
  latencyMs: Type.Optional(Type.Number()),
  status: Type.Optional(Type.String()),
  source: Type.Optional(Type.String({ description: 'For acks: device, or the provider whose receipt it was' })),
  late: Type.Optional(Type.Boolean({ description: 'For acks: came after the plan had moved past the channel' })),
  deadlineMs: Type.Optional(Type.Number({ description: 'For a step awaiting its ack: the deadline in force' })),
});

const StatusCounts = Type.Object({
  queued: Type.Integer(), sending: Type.Integer(), sent: Type.Integer(),
  delivered: Type.Integer(), failed: Type.Integer(), expired: Type.Integer(),
});

export const NotificationStatus = Type.Object({
  id: Type.String(),
  status: Type.String({ description: 'queued, sending, sent, delivered, failed or expired' }),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  recipients: Type.Integer(),
  counts: StatusCounts,
  devices: Type.Array(
    Type.Object({ deviceId: Type.String(), status: Type.String(), channel: Type.Optional(Type.String()), events: Type.Array(Event) }),
  ),
  nextCursor: Type.Optional(Type.Integer({ description: 'Pass as ?cursor= for the next page of devices' })),
});

export const StatusQuery = Type.Object({
  cursor: Type.Optional(Type.Integer({ minimum: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});
