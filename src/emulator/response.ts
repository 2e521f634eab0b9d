/** The response side of the HTTP plumbing: what a handler returns, how it and errors are written. */
import type { ServerResponse } from 'node:http';
import { err, newErrorId, OAuthError, OktaError } from './errors';

/** What a handler returns; the pipeline renders it. */
export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string | string[]>;
}

/** 200 with a JSON body. */
export function ok(body: unknown): HandlerResult {
  return { status: 200, body };
}

/** Writes a result: JSON (or text) with Content-Length, a request id, and the `extra` headers. */
export function render(
  res: ServerResponse,
  result: HandlerResult,
  extra: Record<string, string | string[]>,
): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | string[]> = { 'X-Okta-Request-Id': newErrorId().slice(3), ...extra };
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = v;
  if (result.body === undefined || result.status === 204) {
    res.writeHead(result.status, headers);
    res.end();
    return;
  }
  const isText = typeof result.body === 'string';
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type'))
    headers['Content-Type'] = isText ? 'text/plain; charset=utf-8' : 'application/json';
  const payload = isText ? (result.body as string) : JSON.stringify(result.body);
  headers['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(result.status, headers);
  res.end(payload);
}

/** The response for a thrown error: Okta's error object, an OAuth error, or a 500 for a bug. */
export function errorResult(e: unknown, quiet: boolean): HandlerResult {
  if (e instanceof OktaError) return { status: e.status, headers: e.headers, body: e.body() };
  if (e instanceof OAuthError)
    return {
      status: e.status,
      headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache', ...e.headers },
      body: { error: e.error, error_description: e.description },
    };
  // A bug in the emulator: say so on stderr (messages never carry secrets) and answer like Okta would.
  if (!quiet)
    process.stderr.write(`okta-aerial emulator: internal error: ${(e as Error)?.message ?? String(e)}\n`);
  return { status: 500, body: err.server(500).body() };
}

/** X-Rate-Limit-* headers of a per-minute window (okta-api.md 3.2). */
export function rateLimitHeaders(rl: {
  limit: number;
  remaining: number;
  reset: number;
}): Record<string, string> {
  return {
    'X-Rate-Limit-Limit': String(rl.limit),
    'X-Rate-Limit-Remaining': String(rl.remaining),
    'X-Rate-Limit-Reset': String(rl.reset),
  };
}

/** Inference (okta-api.md 1.3): Okta core's concurrency 429 headers; Reset is only an estimate. */
export function concurrencyLimitHeaders(nowMs: number): Record<string, string> {
  return {
    'X-Rate-Limit-Limit': '0',
    'X-Rate-Limit-Remaining': '0',
    'X-Rate-Limit-Reset': String(Math.ceil(nowMs / 1000) + 1),
  };
}
