/**
 * Builds the fastify server: schema-first routes, the JSON error envelope for every failure, request
 * metrics, and the OpenAPI document generated from the route schemas at /docs.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyServerOptions, type onResponseHookHandler } from 'fastify';
import { dashboardRoutes } from '../dashboard/dashboard-routes.js';
import { GatewayError, RequestError, StoreUnavailableError, errorBody } from '../errors/index.js';
import { registerDeviceCors } from './device-cors.js';
import { ackRoutes } from './routes/ack-routes.js';
import { deviceRoutes } from './routes/device-routes.js';
import { notificationRoutes } from './routes/notification-routes.js';
import { opsRoutes } from './routes/ops-routes.js';
import { receiptRoutes } from './routes/receipt-routes.js';
import { scoreRoutes } from './routes/score-routes.js';
import type { HttpServices } from './services.js';
import { validatorCompiler } from './validator-compiler.js';

/** Fastify's own error codes for bad input, mapped to ours. */
const FASTIFY_CODES: Record<string, { code: string; status: number }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'malformed_json', status: 400 },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'malformed_json', status: 400 },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'body_too_large', status: 413 },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', status: 415 },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid_request', status: 400 },
  FST_ERR_VALIDATION: { code: 'invalid_request', status: 400 },
};

export interface ServerOptions {
  logger: FastifyServerOptions['logger'] | false;
}

export async function buildServer(services: HttpServices, options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger,
    bodyLimit: services.config.server.bodyLimitBytes,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Per-request info lines would dominate the log at gateway rates; metrics cover requests.
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<TypeBoxTypeProvider>();
  // TypeBox's compiled checks: bodies are checked exactly (a string is never coerced into an array,
  // unknown fields are refused); only querystring and params are converted from their string form.
  app.setValidatorCompiler(validatorCompiler);

  app.setErrorHandler((error: FastifyError | GatewayError | Error, request, reply) => {
    if (error instanceof RequestError) {
      return reply.code(error.statusCode).send(errorBody(error.code, error.message, error.details));
    }
    if (error instanceof StoreUnavailableError) {
      request.log.warn({ err: error.message }, 'storage unavailable');
      return reply.code(503).header('retry-after', '1').send(errorBody('store_unavailable', 'Storage is unavailable; nothing was stored, retry later'));
    }
    const fastifyCode = 'code' in error ? FASTIFY_CODES[String(error.code)] : undefined;
    if (fastifyCode) return reply.code(fastifyCode.status).send(errorBody(fastifyCode.code, error.message));
    const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send(errorBody(status === 405 ? 'method_not_allowed' : 'invalid_request', error.message));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send(errorBody('internal', 'Internal error'));
  });

  app.setNotFoundHandler((request, reply) => {
    // No route, so no route hook: observed here, as the answer leaves.
    services.metrics.httpRequest(request.method, 'unmatched', 404, reply.elapsedTime / 1000);
    return reply.code(404).send(errorBody('route_not_found', `No route ${request.method} ${request.url.split('?')[0]}`));
  });

  // Request durations per route, the route's template taken once as it is added (request.routeOptions
  // builds an object per request). Callback style: no promise for a synchronous observation.
  app.addHook('onRoute', (route) => {
    const template = route.url;
    const observe: onResponseHookHandler = (request, reply, done) => {
      services.metrics.httpRequest(request.method, template, reply.statusCode, reply.elapsedTime / 1000);
      done();
    };
    route.onResponse = [...[route.onResponse ?? []].flat(), observe];
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'pushmux', version: '1', description: 'Push-delivery gateway: send once, delivered through the channel that works for each device model.' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await registerDeviceCors(app, services.config);

  await app.register(opsRoutes, services);
  await app.register(deviceRoutes, services);
  await app.register(notificationRoutes, services);
  await app.register(ackRoutes, services);
  await app.register(scoreRoutes, services);
  await app.register(receiptRoutes, services);
  await app.register(dashboardRoutes);
  return app;
}
