/** The scoring table: what the gateway has learned per device class and provider. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { AppParams, ErrorResponse } from '../schemas.js';
import type { HttpServices } from '../services.js';

const ScoresQuery = Type.Object({
  platform: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  brand: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  model: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
});

const ScoreRow = Type.Object({
  level: Type.String({ description: 'platform, brand or model' }),
  platform: Type.String(),
  brand: Type.Optional(Type.String()),
  model: Type.Optional(Type.String()),
  provider: Type.String(),
  estimate: Type.Number({ description: 'Posterior mean probability of delivery within the deadline' }),
  lower: Type.Number({ description: '95% credible interval' }),
  upper: Type.Number(),
  samples: Type.Number({ description: 'Effective (time-decayed) outcomes recorded' }),
  latencyMs: Type.Optional(Type.Number({ description: 'Decayed mean ack latency' })),
});

export const scoreRoutes: FastifyPluginAsyncTypebox<HttpServices> = async (app, { auth, scoring }) => {
  app.get('/v1/apps/:app/scores', {
    schema: {
      summary: 'The scoring table: device class × provider, estimate, interval, effective samples',
      tags: ['scores'],
      params: AppParams,
      querystring: ScoresQuery,
      response: { 200: Type.Object({ rows: Type.Array(ScoreRow) }), 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
    },
  }, async (request) => {
    auth.authorize(request, request.params.app, 'send');
    const { platform, brand, model } = request.query;
    const filter = {
      ...(platform ? { platform: platform.toLowerCase() } : {}),
      ...(brand ? { brand: brand.toLowerCase() } : {}),
      ...(model ? { model: model.toLowerCase() } : {}),
    };
    return { rows: scoring.table(request.params.app, filter) };
  });
};
