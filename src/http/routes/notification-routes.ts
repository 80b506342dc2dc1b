/** Sending (`send` scope) and reading a notification's status and timelines. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { GatewayError, RequestError, StoreUnavailableError } from '../../errors/index.js';
import { notificationStatus } from '../../pipeline/notification-status.js';
import { Accepted, AppParams, BatchBody, BatchResult, ErrorResponse, NotificationBody, NotificationParams, NotificationStatus, StatusQuery } from '../schemas.js';
import type { HttpServices } from '../services.js';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 413: ErrorResponse, 422: ErrorResponse, 503: ErrorResponse };

export const notificationRoutes: FastifyPluginAsyncTypebox<HttpServices> = async (app, { auth, accept, stores, config }) => {
  app.post('/v1/apps/:app/notifications', {
    schema: {
      summary: 'Send a notification; 202 means it is durably stored',
      tags: ['notifications'],
      params: AppParams,
      body: NotificationBody,
      response: { 202: Accepted, ...errors },
    },
  }, (request, reply) => {
    auth.authorize(request, request.params.app, 'send');
    // Not async: fastify sends the returned promise's answer; every error path sets its own status.
    reply.code(202);
    return accept.accept(request.params.app, request.body);
  });

  app.post('/v1/apps/:app/notifications/batch', {
    bodyLimit: config.server.batchBodyLimitBytes,
    schema: {
      summary: 'Send up to 1,000 notifications; each gets its own result',
      tags: ['notifications'],
      params: AppParams,
      body: BatchBody,
      response: { 202: BatchResult, ...errors },
    },
  }, async (request, reply) => {
    auth.authorize(request, request.params.app, 'send');
    const settled = await Promise.allSettled(request.body.notifications.map((n) => accept.accept(request.params.app, n)));
    // Storage down fails the whole batch with 503, so the caller retries all of it.
    const down = settled.find((s) => s.status === 'rejected' && s.reason instanceof StoreUnavailableError);
    if (down && down.status === 'rejected') throw down.reason;
    let accepted = 0;
    const results = settled.map((s) => {
      if (s.status === 'fulfilled') {
        accepted += 1;
        return s.value;
      }
      const error = s.reason instanceof GatewayError ? s.reason : new RequestError('internal');
      if (!(s.reason instanceof RequestError)) request.log.error({ err: s.reason }, 'batch item failed');
      const details = error instanceof RequestError ? error.details : undefined;
      return { error: details === undefined ? { code: error.code, message: error.message } : { code: error.code, message: error.message, details } };
    });
    reply.code(202);
    return { results, accepted, rejected: results.length - accepted };
  });

  app.get('/v1/apps/:app/notifications/:id', {
    schema: {
      summary: 'Status and per-device timeline of a notification',
      tags: ['notifications'],
      params: NotificationParams,
      querystring: StatusQuery,
      response: { 200: NotificationStatus, ...errors },
    },
  }, async (request) => {
    const { app: appId, id } = request.params;
    auth.authorize(request, appId, 'send');
    const notification = await stores.notifications.get(appId, id);
    if (!notification) throw new RequestError('notification_not_found', `No notification "${id}"`);
    const deliveries = await stores.notifications.getDeliveries(appId, id);
    return notificationStatus(notification, deliveries, { cursor: request.query.cursor ?? 0, limit: request.query.limit ?? 1000 });
  });
};
