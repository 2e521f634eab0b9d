/** Okta error objects (okta-api.md 3.1) and OAuth error bodies, thrown by handlers and rendered by the server. */
import { randomBytes } from 'node:crypto';
import type { OktaErrorBody } from '../okta-api';

/** A response in Okta's error shape; every rendering gets a fresh errorId. */
export class OktaError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly errorSummary: string,
    readonly causes: string[] = [],
    readonly headers: Record<string, string | string[]> = {},
  ) {
    super(`${status} ${errorCode} ${errorSummary}`);
    this.name = 'OktaError';
  }

  /** The JSON body, with a new errorId. */
  body(): OktaErrorBody {
    return {
      errorCode: this.errorCode,
      errorSummary: this.errorSummary,
      errorLink: this.errorCode,
      errorId: newErrorId(),
      errorCauses: this.causes.map((errorSummary) => ({ errorSummary })),
    };
  }
}

/** An OAuth 2.0 error (`{error, error_description}`), used by the token endpoint. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${error}: ${description}`);
    this.name = 'OAuthError';
  }
}

/** Okta-style request/error id. */
export function newErrorId(): string {
  return 'oae' + randomBytes(16).toString('base64url').replace(/[-_]/g, 'x').slice(0, 22);
}

/** The error catalogue: one function per Okta error code the emulator sends. */
export const err = {
  validation: (field: string, ...causes: string[]) =>
    new OktaError(
      400,
      'E0000001',
      `Api validation failed: ${field}`,
      causes.length ? causes : [`${field}: invalid value`],
    ),
  malformed: (cause = 'The request body was not well-formed.') =>
    new OktaError(400, 'E0000003', 'The request body was not well-formed.', [cause]),
  missingParam: (name: string) =>
    new OktaError(400, 'E0000028', 'The request is missing a required parameter.', [`${name}: is required`]),
  invalidToken: (headers: Record<string, string | string[]> = {}) =>
    new OktaError(401, 'E0000011', 'Invalid token provided', [], headers),
  forbidden: (headers: Record<string, string | string[]> = {}, cause?: string) =>
    new OktaError(
      403,
      'E0000006',
      'You do not have permission to perform the requested action',
      cause ? [cause] : [],
      headers,
    ),
  notFound: (what: string) => new OktaError(404, 'E0000007', `Not found: Resource not found: ${what}`),
  methodNotAllowed: (allow: string[]) =>
    new OktaError(405, 'E0000022', 'The endpoint does not support the provided HTTP method', [], {
      Allow: allow.join(', '),
    }),
  tooManyRequests: (headers: Record<string, string>) =>
    new OktaError(429, 'E0000047', 'API call exceeded rate limit due to too many requests.', [], headers),
  server: (status: number) =>
    status === 503
      ? new OktaError(503, 'E0000010', 'Service is in read only mode')
      : new OktaError(status, 'E0000009', 'Internal Server Error'),
};
