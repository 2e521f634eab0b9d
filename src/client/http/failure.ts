/**
 * The errors layer: what one failed attempt showed, read once from axios's error into plain facts (status,
 * lower-case headers, transport code, Okta's error code, request id). These facts are all the retry
 * decision sees, and what the operation's typed error is built from when the retries end. No request
 * config is kept: it holds the Authorization header.
 */
import { AxiosError } from 'axios';
import { parseErrorBody } from '../errors/api-error-factory';
import { headersOf } from './transport';

/** What one failed attempt showed. */
export interface AttemptFailure {
  readonly status?: number;
  /** Response headers, lower-case names (empty without a response). */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Transport error code (ECONNRESET, ETIMEDOUT, ...), when there was no response. */
  readonly code?: string;
  /** The transport error's message, when there was no response: for classifying it, never logged. */
  readonly message?: string;
  /** The attempt went over a keep-alive socket an earlier request had used (Node's `reusedSocket`). */
  readonly reusedSocket?: boolean;
  /** Parsed response body. */
  readonly body?: unknown;
  /** The body's Okta `errorCode` or OAuth `error`. */
  readonly errorCode?: string;
  /** Okta's X-Okta-Request-Id of the response. */
  readonly requestId?: string;
}

/** True for a failure axios reports for one attempt (a response that is not 2xx, or a transport failure). */
export function isAttemptFailure(e: unknown): e is AxiosError {
  return e instanceof AxiosError;
}

/** Reads one failed attempt. */
export function readFailure(e: AxiosError): AttemptFailure {
  const res = e.response;
  const headers = headersOf(res);
  return {
    status: res?.status,
    headers,
    code: res ? undefined : e.code,
    message: res ? undefined : e.message,
    reusedSocket: res
      ? undefined
      : (e.request as { reusedSocket?: boolean } | undefined)?.reusedSocket === true,
    body: res?.data,
    errorCode: res ? parseErrorBody(res.data).errorCode : undefined,
    requestId: headers['x-okta-request-id'],
  };
}
