import type { FastifyRouteSchemaDef } from 'fastify/types/schema.js';
import Type, { type TSchema } from 'typebox';
import { describe, expect, it } from 'vitest';
import { validatorCompiler } from '../../../src/http/validator-compiler.js';

type Result = { value?: unknown; error?: unknown };
const compile = (schema: TSchema, httpPart: string) =>
  validatorCompiler({ schema, httpPart, url: '/x', method: 'POST' } as FastifyRouteSchemaDef<TSchema>) as (value: unknown) => Result;

describe('validatorCompiler', () => {
  const Body = Type.Object({ ids: Type.Array(Type.String()), ttl: Type.Optional(Type.Integer()) }, { additionalProperties: false });

  it('checks bodies exactly as sent: never coerced', () => {
    const body = compile(Body, 'body');
    const ok = { ids: ['a'], ttl: 5 };
    expect(body(ok).value).toBe(ok);
    expect(body({ ids: 'a' }).error).toBeDefined();
    expect(body({ ids: ['a'], ttl: '5' }).error).toBeDefined();
    expect(body({ ids: ['a'], extra: 1 }).error).toBeDefined();
  });

  it('passes string params through untouched and converts a querystring only where its types need it', () => {
    const params = compile(Type.Object({ app: Type.String({ minLength: 1 }) }), 'params');
    const raw = { app: 'shop' };
    expect(params(raw).value).toBe(raw);
    expect(params({ app: '' }).error).toBeDefined();

    const query = compile(Type.Object({ cursor: Type.Optional(Type.Integer({ minimum: 0 })) }), 'querystring');
    expect(query({ cursor: '5' }).value).toEqual({ cursor: 5 });
    expect(query({}).value).toEqual({});
    expect(query({ cursor: 'five' }).error).toBeDefined();
    expect(query({ cursor: '-1' }).error).toBeDefined();
  });
});
