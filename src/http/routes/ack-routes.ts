/** Device acknowledgements: authenticated by the device's signature, not an API key. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { RequestError } from '../../errors/index.js';
import { verifyNotificationSignature } from '../device-signature.js';
import { AppParams, ErrorResponse } from '../schemas.js';
import type { HttpServices } from '../services.js';

const AckBody = Type.Object(
  {
    notificationId: Type.String({ minLength: 1, maxLength: 64 }),
    deviceId: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' }),
    signature: Type.String({ minLength: 1, maxLength: 128, description: 'hex(HMAC-SHA256(deviceKey, notificationId))' }),
    channel: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'The channel that carried the message, if the app knows it' })),
  },
  { additionalProperties: false },
);

const AckAnswer = Type.Object({
  result: Type.String({ description: 'delivered, late (after the plan moved on), or duplicate' }),
});

export const ackRoutes: FastifyPluginAsyncTypebox<HttpServices> = async (app, { config, stores, acks }) => {
  app.post('/v1/apps/:app/acks', {
    schema: {
      summary: 'A device acknowledges a notification',
      tags: ['acks'],
      security: [],
      params: AppParams,
      body: AckBody,
      response: { 200: AckAnswer, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 503: ErrorResponse },
    },
  }, async (request) => {
    const appId = request.params.app;
    if (!config.apps[appId]) throw new RequestError('app_not_found', `No app "${appId}"`);
    const { notificationId, deviceId, signature, channel } = request.body;
    // The ack's own reads go out with the device's (one round trip); they are used only once the
    // signature checks out.
    const reads = acks.read(appId, notificationId, deviceId);
    reads.catch(() => undefined); // awaited below, or dropped when the device fails to authenticate
    const device = await stores.devices.get(appId, deviceId);
    // An unknown device and a wrong signature look the same to the caller.
    if (!device || !verifyNotificationSignature(device.key, notificationId, signature)) {
      throw new RequestError('unauthorized', 'The ack signature does not match the device key');
    }
    const result = await acks.ack({ app: appId, notificationId, deviceId, source: 'device', channel }, reads);
    if (result === 'unknown-notification') throw new RequestError('notification_not_found', 'No such notification for this device');
    return { result: result === 'not-sent' || result === 'unknown-channel' ? 'ignored' : result };
  });
};
