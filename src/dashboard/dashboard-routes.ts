/**
 * The operator dashboard at GET /dashboard: one static page whose script reads the scoring table
 * (GET /v1/apps/:app/scores, with the API key the operator enters) and GET /metrics, and redraws itself.
 * The page and its assets need no key and come from the gateway itself (no CDN; works offline).
 * The assets sit next to this module (scripts/copy-assets.mjs copies them into dist/).
 */
import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsync } from 'fastify';

const ASSETS = new URL('./assets/', import.meta.url);
const TYPES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
};

export const dashboardRoutes: FastifyPluginAsync = async (app) => {
  const cache = new Map<string, Buffer>();
  const asset = async (name: string): Promise<Buffer> => {
    let body = cache.get(name);
    if (!body) {
      body = await readFile(new URL(name, ASSETS));
      cache.set(name, body);
    }
    return body;
  };
  const headers = { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };

  app.get('/dashboard', { schema: { hide: true } }, async (_request, reply) =>
    reply.headers({ ...headers, 'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'" })
      .type(TYPES['index.html']!).send(await asset('index.html')));

  app.get<{ Params: { file: string } }>('/dashboard/assets/:file', { schema: { hide: true } }, async (request, reply) => {
    const type = Object.hasOwn(TYPES, request.params.file) ? TYPES[request.params.file] : undefined;
    if (!type || request.params.file === 'index.html') {
      return reply.code(404).send({ error: { code: 'route_not_found', message: `No dashboard asset ${request.params.file}` } });
    }
    return reply.headers(headers).type(type).send(await asset(request.params.file));
  });
};
