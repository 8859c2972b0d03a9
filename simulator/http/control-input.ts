/** Control-API input: JSON bodies and query strings validated by zod; anything else is a 400 naming each problem. */
import type { Context } from 'hono';
import type { z } from 'zod';
import { SimulatorInputError } from '../engine/errors.js';
import type { SimulatorEnv } from './env.js';

/** The JSON body, validated; an empty body counts as `{}` where every field is optional. */
export async function body<T>(c: Context<SimulatorEnv>, schema: z.ZodType<T>, emptyIsObject: boolean): Promise<T> {
  const text = await c.req.text();
  if (text.trim() === '') {
    if (emptyIsObject) return parse(schema, {});
    throw new SimulatorInputError('a JSON body is required');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ControlInputError('invalid_json', `the body is not valid JSON: ${(error as Error).message}`);
  }
  return parse(schema, value);
}

export function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  throw new ControlInputError('invalid_request', issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; '), issues);
}

export class ControlInputError extends SimulatorInputError {
  constructor(
    readonly code: string,
    message: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message, 400);
  }
}
