/**
 * Failures of real Okta API calls (a response, a transport failure, a deadline): `OktaApiError` and the few
 * subclasses callers branch on. They are built by one factory (errors/api-error-factory.ts) from what the
 * attempt showed; their message says what was attempted, what Okta said, and what to do.
 */
import {
  causeFromRecord,
  causeRecordOf,
  OktaAerialError,
  withCause,
  type CauseRecord,
  type RedactedRequest,
} from './okta-aerial-error';

/** Names of the API error classes. */
export type ApiErrorType =
  | 'OktaApiError'
  | 'NotFoundError'
  | 'RateLimitError'
  | 'AuthenticationError'
  | 'AuthorizationError'
  | 'ValidationError'
  | 'ConflictError'
  | 'NetworkError'
  | 'TimeoutError';

/** The former name of {@link ApiErrorType}, kept so the package's exports stay stable. */
export type ErrorType = ApiErrorType;

/** The plain, serializable form of an API error (all text already redacted). */
export interface ApiErrorRecord {
  readonly type: ApiErrorType;
  readonly operation: string;
  readonly attempts: number;
  readonly retryable: boolean;
  readonly status?: number;
  readonly errorCode?: string;
  readonly errorSummary?: string;
  readonly errorId?: string;
  /** Okta's X-Okta-Request-Id of the last response, to quote to Okta support. */
  readonly requestId?: string;
  /** The request that failed last, redacted. */
  readonly request?: RedactedRequest;
  readonly causes: string[];
  /** The transport failure behind it, when there was no response. */
  readonly cause?: CauseRecord;
  /** Text for failures without an Okta error object (transport, deadline). */
  readonly detail?: string;
  readonly hint: string;
}

/** Any failure of an Okta API call; message = what was attempted, Okta's error, and what to do. */
export class OktaApiError extends OktaAerialError {
  readonly status?: number;
  readonly errorCode?: string;
  readonly errorSummary?: string;
  readonly errorId?: string;
  /** Okta's X-Okta-Request-Id of the last response, to quote to Okta support. */
  readonly requestId?: string;
  /** The request that failed last: method and URL, no Authorization header, no secret query value. */
  readonly request?: RedactedRequest;
  readonly causes: string[];
  readonly operation: string;
  readonly attempts: number;
  readonly retryable: boolean;
  /** What a person should do about it. */
  readonly hint: string;
  /** Text for failures without an Okta error object (transport, deadline). */
  readonly detail?: string;

  constructor(record: ApiErrorRecord) {
    super(formatMessage(record), withCause(causeFromRecord(record.cause)));
    this.name = record.type;
    this.status = record.status;
    this.errorCode = record.errorCode;
    this.errorSummary = record.errorSummary;
    this.errorId = record.errorId;
    this.requestId = record.requestId;
    this.request = record.request;
    this.causes = [...record.causes];
    this.operation = record.operation;
    this.attempts = record.attempts;
    this.retryable = record.retryable;
    this.hint = record.hint;
    this.detail = record.detail;
  }

  toRecord(): ApiErrorRecord {
    return {
      type: this.name as ApiErrorType,
      operation: this.operation,
      attempts: this.attempts,
      retryable: this.retryable,
      status: this.status,
      errorCode: this.errorCode,
      errorSummary: this.errorSummary,
      errorId: this.errorId,
      requestId: this.requestId,
      request: this.request,
      causes: this.causes,
      cause: causeRecordOf(this.cause),
      detail: this.detail,
      hint: this.hint,
    };
  }
}

/** The resource does not exist (404). */
export class NotFoundError extends OktaApiError {}
/** 429 retries ran out. */
export class RateLimitError extends OktaApiError {}
/** 401: credentials were refused. */
export class AuthenticationError extends OktaApiError {}
/** 403: the credentials lack a scope or role. */
export class AuthorizationError extends OktaApiError {}
/** 400/422: Okta refused the request's content. */
export class ValidationError extends OktaApiError {}
/** 409, or the entity already exists. */
export class ConflictError extends OktaApiError {}
/** The connection failed (reset, refused, DNS). */
export class NetworkError extends OktaApiError {}
/** An attempt timed out or the operation's deadline ran out. */
export class TimeoutError extends OktaApiError {}

/** The class of each API error type. */
export const API_ERROR_CLASSES: Record<ApiErrorType, new (r: ApiErrorRecord) => OktaApiError> = {
  OktaApiError,
  NotFoundError,
  RateLimitError,
  AuthenticationError,
  AuthorizationError,
  ValidationError,
  ConflictError,
  NetworkError,
  TimeoutError,
};

/** True when the error means "the resource does not exist". */
export function isNotFound(err: unknown): boolean {
  return err instanceof NotFoundError || (err instanceof OktaApiError && err.status === 404);
}

function formatMessage(r: ApiErrorRecord): string {
  const what = [r.status, r.errorCode, r.errorSummary ?? r.detail]
    .filter((x) => x !== undefined && x !== '')
    .join(' ');
  const causes = r.causes.length ? ` (causes: ${r.causes.join('; ')})` : '';
  const id = r.errorId ? ` (errorId ${r.errorId})` : '';
  const extra = r.errorSummary !== undefined && r.detail ? ` [${r.detail}]` : '';
  const attempts = `${r.attempts} attempt${r.attempts === 1 ? '' : 's'}`;
  return `${r.operation} failed after ${attempts}: ${what}${causes}${id}${extra}. ${r.hint}`;
}
