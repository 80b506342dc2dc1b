/** Liveness, readiness and Prometheus metrics: unauthenticated, for orchestrators and scrapers. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { HttpServices } from '../services.js';

const Health = Type.Object({ status: Type.String(), store: Type.Optional(Type.String()), reason: Type.Optional(Type.String()) });

export const opsRoutes: FastifyPluginAsyncTypebox<HttpServices> = async (app, { stores, metrics, isAccepting }) => {
  app.get('/healthz', { schema: { summary: 'Liveness: the process is up', tags: ['ops'], response: { 200: Health } } }, async () => ({ status: 'ok' }));

  app.get('/readyz', {
    schema: { summary: 'Readiness: storage reachable and not shutting down', tags: ['ops'], response: { 200: Health, 503: Health } },
  }, async (_request, reply) => {
    if (!isAccepting()) return reply.code(503).send({ status: 'unavailable', store: stores.kind, reason: 'shutting down' });
    try {
      await stores.health.ping();
      return { status: 'ok', store: stores.kind };
    } catch (error) {
      return reply.code(503).send({ status: 'unavailable', store: stores.kind, reason: (error as Error).message });
    }
  });

  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['ops'], hide: false } }, async (_request, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.type(contentType).send(body);
  });
};
