/** Request body helpers shared by the JSON routes. */
import type { RequestContext } from './core';
import { err } from './errors';

/** Parses the JSON body; malformed or empty gives 400 E0000003. */
export function jsonBody(ctx: RequestContext): unknown {
  const text = ctx.rawBody.toString('utf8');
  if (!text.trim()) throw err.malformed('The request body is empty.');
  try {
    return JSON.parse(text);
  } catch {
    throw err.malformed();
  }
}

/** Parses a JSON body that must be an object. */
export function jsonObject(ctx: RequestContext): Record<string, unknown> {
  const v = jsonBody(ctx);
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw err.malformed('The request body must be a JSON object.');
  return v as Record<string, unknown>;
}
