/**
 * `GET /v1/apps/:app/devices/:deviceId/inbox`: the pull side of the long connection, for devices that
 * cannot hold a socket. Authenticated with the device's connect token (`Authorization: Device <token>`),
 * which must name the device in the path. Polling does not remove anything: the device acks what it
 * got (POST /acks, channel `longconn`) and acked messages leave on the next read.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { RequestError } from '../errors/index.js';
import { DeviceParams, ErrorResponse } from '../http/schemas.js';
import type { DeviceAuthenticator } from './device-auth.js';
import { toMessageFrame } from './frames.js';
import type { LongConnectionService } from './long-connection-service.js';

const Message = Type.Object({
  type: Type.Literal('message'),
  notificationId: Type.String(),
  app: Type.String(),
  title: Type.Optional(Type.String()),
  body: Type.Optional(Type.String()),
  data: Type.Record(Type.String(), Type.String()),
  priority: Type.String(),
  expiresAt: Type.Integer({ description: 'Epoch ms after which the message is stale' }),
  collapseKey: Type.Optional(Type.String()),
});

const InboxAnswer = Type.Object({
  messages: Type.Array(Message, { description: 'Pending messages, soonest to expire first' }),
});

const InboxHeaders = Type.Object({
  authorization: Type.Optional(Type.String({ description: 'Device <deviceId>.<expiresAtMs>.<hex hmac>' })),
});

export interface InboxRouteDeps {
  auth: DeviceAuthenticator;
  service: LongConnectionService;
}

/** Mounts the inbox poll route (an encapsulated plugin: nothing leaks to the other routes). */
export const inboxRoutes: FastifyPluginAsyncTypebox<InboxRouteDeps> = async (app, { auth, service }) => {
  app.get('/v1/apps/:app/devices/:deviceId/inbox', {
    schema: {
      summary: 'A device reads its pending long-connection messages (pull)',
      tags: ['devices'],
      security: [],
      params: DeviceParams,
      headers: InboxHeaders,
      response: { 200: InboxAnswer, 401: ErrorResponse, 404: ErrorResponse, 503: ErrorResponse },
    },
  }, async (request) => {
    const { app: appId, deviceId } = request.params;
    const header = request.headers.authorization;
    const token = header?.startsWith('Device ') ? header.slice(7).trim() : undefined;
    const result = await auth.authenticate(appId, token);
    if (!result.ok) throw new RequestError(result.code, result.message);
    if (result.device.id !== deviceId) throw new RequestError('unauthorized', 'The device token is for another device');
    return { messages: (await service.pending(appId, deviceId)).map(toMessageFrame) };
  });
};
