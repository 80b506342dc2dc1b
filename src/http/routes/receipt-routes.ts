/**
 * Providers' delivery receipt webhooks. The body is kept raw: signatures cover the bytes as sent.
 * A receipt with a bad or missing signature is 401 and changes nothing.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import {
  HUAWEI_RECEIPT_ANSWER, parseHuaweiReceipt, parseOppoReceipt, parseTwilioReceipt, parseVivoReceipt, parseXiaomiReceipt,
  ReceiptFormatError, ReceiptSignatureError, type ReceiptEvent, type ReceiptInput,
} from '../../../providers/receipts/index.js';
import type { AppConfig } from '../../config/index.js';
import { RequestError } from '../../errors/index.js';
import type { ReceiptRouter } from '../../pipeline/receipt-router.js';
import { ErrorResponse } from '../schemas.js';
import type { HttpServices } from '../services.js';

const RECEIPT_PROVIDERS = ['hms', 'xiaomi', 'oppo', 'vivo', 'twilio'] as const;
type ReceiptProvider = (typeof RECEIPT_PROVIDERS)[number];

const Params = Type.Object({
  app: Type.String({ minLength: 1, maxLength: 64 }),
  provider: Type.Union(RECEIPT_PROVIDERS.map((p) => Type.Literal(p))),
});

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The secrets to verify one provider's receipts, from `receipts.<provider>` or the sender's own block. */
function parserFor(app: AppConfig, provider: ReceiptProvider): ((input: ReceiptInput) => ReceiptEvent[]) | undefined {
  const receipts = app.receipts;
  const own = (name: string) => str((app.providers[name] as Record<string, unknown> | undefined)?.callbackSecret);
  switch (provider) {
    case 'hms':
      return receipts?.hms && ((input) => parseHuaweiReceipt(input, receipts.hms!));
    case 'xiaomi': {
      const secret = receipts?.xiaomi?.callbackSecret ?? own('xiaomi');
      return secret ? (input) => parseXiaomiReceipt(input, { callbackSecret: secret }) : undefined;
    }
    case 'oppo': {
      const secret = receipts?.oppo?.callbackSecret ?? own('oppo');
      return secret ? (input) => parseOppoReceipt(input, { callbackSecret: secret }) : undefined;
    }
    case 'vivo': {
      const secret = receipts?.vivo?.callbackSecret ?? own('vivo');
      return secret ? (input) => parseVivoReceipt(input, { callbackSecret: secret }) : undefined;
    }
    case 'twilio': {
      const twilio = (app.sms as Record<string, unknown> | undefined)?.twilio as Record<string, unknown> | undefined;
      const token = receipts?.twilio?.authToken ?? str(twilio?.authToken);
      return token ? (input) => parseTwilioReceipt(input, { authToken: token }) : undefined;
    }
  }
}

export const receiptRoutes: FastifyPluginAsyncTypebox<HttpServices & { receipts: ReceiptRouter }> = async (app, { config, receipts }) => {
  // Encapsulated: only this route keeps bodies as raw strings, whatever their content type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 1_048_576 }, (_request, body, done) => done(null, body));

  app.post('/v1/apps/:app/receipts/:provider', {
    schema: {
      summary: 'Delivery receipts from a provider (signature checked)',
      tags: ['receipts'],
      security: [],
      params: Params,
      response: {
        200: Type.Unknown({ description: "The provider's expected answer (Huawei: {code:'0'}; others: counts)" }),
        204: Type.Null({ description: 'Twilio' }),
        401: ErrorResponse, 404: ErrorResponse, 400: ErrorResponse,
      },
    },
  }, async (request, reply) => {
    const { app: appId, provider } = request.params;
    const appConfig = config.apps[appId];
    if (!appConfig) throw new RequestError('app_not_found', `No app "${appId}"`);
    const parse = parserFor(appConfig, provider);
    if (!parse) throw new RequestError('route_not_found', `App "${appId}" takes no ${provider} receipts (no secret configured)`);
    const base = appConfig.receipts?.publicBaseUrl ?? `${request.protocol}://${request.host}`;
    const input: ReceiptInput = {
      headers: request.headers,
      rawBody: typeof request.body === 'string' ? request.body : '',
      url: `${base.replace(/\/$/, '')}${request.url}`,
    };
    let events: ReceiptEvent[];
    try {
      events = parse(input);
    } catch (error) {
      if (error instanceof ReceiptSignatureError) throw new RequestError('unauthorized', error.message);
      if (error instanceof ReceiptFormatError) throw new RequestError('invalid_request', error.message);
      throw error;
    }
    const outcome = await receipts.handle(appId, provider, events);
    request.log.debug({ app: appId, provider, ...outcome }, 'receipts applied');
    if (provider === 'hms') return reply.send(HUAWEI_RECEIPT_ANSWER);
    if (provider === 'twilio') return reply.code(204).send(null);
    return reply.send({ result: 'ok', ...outcome });
  });
};
