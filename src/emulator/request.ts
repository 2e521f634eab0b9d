/** The request side of the HTTP plumbing: what a handler sees of a request, the body reader, JSON parsing. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AerialEnvironment } from '../okta-api';
import { err, OktaError } from './errors';
import { isRecord } from './json';

/** One request as the handlers see it. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  /** The request URL against the emulator's base URL (what DPoP `htu` and Link headers use). */
  readonly url: URL;
  /** Stats name of the matched route, e.g. `aerial.listOrgs` (`unknown` when nothing matched). */
  readonly route: string;
  readonly params: Record<string, string>;
  rawBody: Buffer;
  env?: AerialEnvironment;
  accountId?: string;
  org?: string;
  clientId?: string;
  principal?: string;
}

/** Largest request body accepted. */
const MAX_BODY = 1024 * 1024;

/** Reads the whole body; over {@link MAX_BODY} is 413 E0000003. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(
          new OktaError(413, 'E0000003', 'The request body was not well-formed.', [
            'The request body is too large.',
          ]),
        );
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Okta answers 411 to a POST or PUT that has neither a body nor a Content-Length (okta-api.md 3.1). */
export function requireLength(ctx: RequestContext): void {
  const h = ctx.req.headers;
  if (
    (ctx.method === 'POST' || ctx.method === 'PUT') &&
    h['content-length'] === undefined &&
    h['transfer-encoding'] === undefined
  )
    throw new OktaError(411, 'E0000003', 'The request body was not well-formed.', [
      'Length Required: a POST or PUT needs a body or a Content-Length header.',
    ]);
}

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
  if (!isRecord(v)) throw err.malformed('The request body must be a JSON object.');
  return v;
}
