/**
 * Fastify validator compiler on TypeBox's compiled checks. Bodies are checked exactly as sent (a string
 * is never coerced into an array or a number). Params, querystring and headers arrive as strings, so
 * they are converted to the schema's types — but only when the raw value fails the check: converting a
 * value that already matches changes nothing and cost a deep walk (Value.Convert) on every request.
 */
import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';

export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = Compile(schema);
  if (httpPart === 'body') {
    return (value: unknown) => (check.Check(value) ? { value } : { error: check.Errors(value) });
  }
  return (value: unknown) => {
    if (check.Check(value)) return { value };
    const converted = Value.Convert(schema, value);
    return check.Check(converted) ? { value: converted } : { error: check.Errors(converted) };
  };
};
