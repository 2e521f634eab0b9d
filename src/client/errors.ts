/**
 * One error type for every failure of the client, built by one factory from a response or a transport
 * failure (stripe-node style). The factory first reduces the facts to a plain, redacted {@link ErrorRecord}
 * (which is also what the deploy agent sends over its socket), then builds the subclass from it, so an
 * error looks the same whether the call ran in-process or in the agent. Free of axios on purpose.
 */
import { redact } from './redact';

/** Which API answered, for the hint that tells a person what to do. */
export type ApiService = 'aerial' | 'org' | 'token';

/** The plain, serializable form of an error (all text already redacted). */
export interface ErrorRecord {
  readonly type: ErrorType;
  readonly operation: string;
  readonly attempts: number;
  readonly retryable: boolean;
  readonly status?: number;
  readonly errorCode?: string;
  readonly errorSummary?: string;
  readonly errorId?: string;
  readonly causes: string[];
  /** Text for failures without an Okta error object (transport, deadline, configuration). */
  readonly detail?: string;
  readonly hint: string;
}

/** Names of the error classes. */
export type ErrorType =
  | 'OktaApiError'
  | 'NotFoundError'
  | 'RateLimitError'
  | 'AuthenticationError'
  | 'AuthorizationError'
  | 'ValidationError'
  | 'ConflictError'
  | 'NetworkError'
  | 'TimeoutError';

/** Any failure of an Okta API call; message = what was attempted, Okta's error, and what to do. */
export class OktaApiError extends Error {
  readonly status?: number;
  readonly errorCode?: string;
  readonly errorSummary?: string;
  readonly errorId?: string;
  readonly causes: string[];
  readonly operation: string;
  readonly attempts: number;
  readonly retryable: boolean;
  /** What a person should do about it. */
  readonly hint: string;
  /** Text for failures without an Okta error object (transport, deadline). */
  readonly detail?: string;

  constructor(record: ErrorRecord) {
    super(formatMessage(record));
    this.name = record.type;
    this.status = record.status;
    this.errorCode = record.errorCode;
    this.errorSummary = record.errorSummary;
    this.errorId = record.errorId;
    this.causes = [...record.causes];
    this.operation = record.operation;
    this.attempts = record.attempts;
    this.retryable = record.retryable;
    this.hint = record.hint;
    this.detail = record.detail;
  }

  /** The serializable record this error was built from. */
  toRecord(): ErrorRecord {
    return {
      type: this.name as ErrorType,
      operation: this.operation,
      attempts: this.attempts,
      retryable: this.retryable,
      status: this.status,
      errorCode: this.errorCode,
      errorSummary: this.errorSummary,
      errorId: this.errorId,
      causes: this.causes,
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

const CLASSES: Record<ErrorType, new (r: ErrorRecord) => OktaApiError> = {
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

/** The transport code of an attempt cut off by the operation deadline (not a network failure). */
export const DEADLINE_CODE = 'EOKTADEADLINE';

/** What the factory knows about a failure. */
export interface ErrorFacts {
  readonly operation: string;
  readonly attempts: number;
  readonly service: ApiService;
  readonly status?: number;
  /** Parsed response body (Okta error object, OAuth error, or anything). */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string | undefined>>;
  /** Transport error code and message, when there was no response. */
  readonly code?: string;
  readonly transportMessage?: string;
  /** The operation deadline ran out (or a retry's wait would pass it). */
  readonly deadlineMs?: number;
  readonly deadlineExceeded?: boolean;
  /** The retry budget was empty. */
  readonly budgetExhausted?: boolean;
  /** The credential kind, for the 401 hint. */
  readonly authType?: 'oauth' | 'ssws';
  /** The scope the call needed, for the 403 hint. */
  readonly scope?: string;
  /** Host that was called, for network hints (no path, no query). */
  readonly host?: string;
  /** Secret values to scrub from any text that came from outside. */
  readonly secrets?: readonly string[];
}

/** Builds the error for a failed operation: the one factory every layer uses. */
export function createOktaApiError(facts: ErrorFacts): OktaApiError {
  return errorFromRecord(toErrorRecord(facts));
}

/** Rebuilds an error from its record (e.g. one received from the deploy agent). */
export function errorFromRecord(record: ErrorRecord): OktaApiError {
  const Ctor = CLASSES[record.type] ?? OktaApiError;
  const err = new Ctor({ ...record, causes: record.causes ?? [] });
  return err;
}

/** Reduces the facts of a failure to a redacted record. */
export function toErrorRecord(facts: ErrorFacts): ErrorRecord {
  const clean = (s: string | undefined): string | undefined =>
    s === undefined ? undefined : redact(s, facts.secrets ?? []).slice(0, 2000);
  const parsed = parseErrorBody(facts.body);
  const status = facts.status;
  const type = errorType(facts, parsed.errorCode, parsed.errorSummary);
  const retryable =
    type === 'RateLimitError' ||
    type === 'NetworkError' ||
    (type === 'TimeoutError' && !facts.deadlineExceeded) ||
    (status !== undefined && status >= 500 && status !== 501);
  let detail: string | undefined;
  if (facts.deadlineExceeded) {
    // A response's status is in the message already; a transport failure is named here.
    const last =
      status === undefined && facts.code && facts.code !== DEADLINE_CODE
        ? `${facts.code}${facts.transportMessage ? ` (${facts.transportMessage})` : ''}`
        : undefined;
    detail = `the deadline of ${facts.deadlineMs} ms ran out before the next retry${last ? `; last failure: ${last}` : ''}`;
  } else if (facts.budgetExhausted) {
    detail = 'the retry budget is spent (too many server errors in a row)';
  } else if (status === undefined) {
    detail = `${facts.code ?? 'request failed'}${facts.transportMessage ? ` (${facts.transportMessage})` : ''}`;
  } else if (parsed.errorSummary === undefined) {
    detail = `HTTP ${status}`;
  }
  return {
    type,
    operation: clean(facts.operation) ?? facts.operation,
    attempts: facts.attempts,
    retryable,
    status,
    errorCode: clean(parsed.errorCode),
    errorSummary: clean(parsed.errorSummary),
    errorId: clean(parsed.errorId),
    causes: parsed.causes.map((c) => clean(c) ?? ''),
    detail: clean(detail),
    hint: hintFor(type, facts),
  };
}

/** True when the error (or a record of it) means "the resource does not exist". */
export function isNotFound(err: unknown): boolean {
  return err instanceof NotFoundError || (err instanceof OktaApiError && err.status === 404);
}

interface ParsedBody {
  errorCode?: string;
  errorSummary?: string;
  errorId?: string;
  causes: string[];
}

/** Reads an Okta error object or an OAuth error body, tolerantly (okta-api.md 1.8). */
export function parseErrorBody(body: unknown): ParsedBody {
  let b = body;
  if (typeof b === 'string') {
    try {
      b = JSON.parse(b) as unknown;
    } catch {
      const text = (b as string).trim();
      return { causes: [], errorSummary: text ? text.slice(0, 200) : undefined };
    }
  }
  if (!b || typeof b !== 'object') return { causes: [] };
  const o = b as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
  const causes = Array.isArray(o.errorCauses)
    ? o.errorCauses
        .map((c) => str((c as Record<string, unknown>)?.errorSummary))
        .filter((c): c is string => !!c)
    : [];
  if (str(o.errorCode) || str(o.errorSummary)) {
    return {
      errorCode: str(o.errorCode),
      errorSummary: str(o.errorSummary),
      errorId: str(o.errorId),
      causes,
    };
  }
  if (str(o.error)) return { errorCode: str(o.error), errorSummary: str(o.error_description), causes };
  return { causes };
}

function errorType(facts: ErrorFacts, errorCode?: string, errorSummary?: string): ErrorType {
  if (facts.deadlineExceeded) return 'TimeoutError';
  const { status } = facts;
  if (status === undefined) {
    return facts.code && /TIMEDOUT|ECONNABORTED|TIMEOUT/i.test(facts.code) ? 'TimeoutError' : 'NetworkError';
  }
  if (status === 404) return 'NotFoundError';
  if (status === 429) return 'RateLimitError';
  if (status === 401) return 'AuthenticationError';
  if (status === 403) return 'AuthorizationError';
  if (status === 409 || /principalRateLimitMediated|already exists|already linked/i.test(errorSummary ?? ''))
    return 'ConflictError';
  if (
    status === 400 &&
    facts.service === 'token' &&
    /invalid_client|invalid_grant|unauthorized_client/.test(errorCode ?? '')
  ) {
    return 'AuthenticationError';
  }
  if (status === 400 && facts.service === 'token' && errorCode === 'invalid_scope')
    return 'AuthorizationError';
  if (status === 400 || status === 422) return 'ValidationError';
  return 'OktaApiError';
}

function hintFor(type: ErrorType, facts: ErrorFacts): string {
  const scope =
    facts.scope ?? (facts.service === 'org' ? 'okta.principalRateLimits.manage' : 'okta.accounts.manage');
  switch (type) {
    case 'NotFoundError':
      return facts.service === 'aerial'
        ? 'Check the id and the account id; the org may not be linked to this account, or the account may live in the other environment.'
        : 'Check the id; the resource does not exist in this org.';
    case 'RateLimitError':
      return 'Okta kept answering 429: lower terraform -parallelism or maxConcurrency, or raise retryDeadlineMs.';
    case 'AuthenticationError':
      return facts.authType === 'ssws'
        ? 'Check the API token environment variable; the token may be revoked or expired.'
        : 'Check the client id, key id and private key environment variables, that the public key is registered with the service app, and the token URL.';
    case 'AuthorizationError':
      return facts.authType === 'ssws'
        ? 'The API token’s admin lacks a role for this call; use a token of a super admin.'
        : `Grant the scope ${scope} to the service app (Okta API Scopes tab) and check that the account/org matches the credentials.`;
    case 'ValidationError':
      return 'Okta refused the request content; fix the values named above.';
    case 'ConflictError':
      return 'The object already exists or changed meanwhile; read it and adopt it instead of creating it.';
    case 'NetworkError':
      if (facts.code === 'ECONNLOST')
        return 'The deploy agent went away while the call was in flight, so it may have run; run the deploy again (the handler reads before it writes again).';
      return `Check network access to ${facts.host ?? 'the API host'} (DNS, proxy, firewall), then run again.`;
    case 'TimeoutError':
      return facts.deadlineExceeded
        ? facts.status === undefined && facts.code && facts.code !== DEADLINE_CODE
          ? `Check that ${facts.host ?? 'the API host'} is reachable (for the local emulator: that it is running on that port), or raise retryDeadlineMs to wait longer.`
          : 'Raise retryDeadlineMs, or lower terraform -parallelism so fewer calls wait for the same account.'
        : `The API did not answer in time; check network access to ${facts.host ?? 'the API host'} or raise the attempt timeout.`;
    default:
      return facts.status !== undefined && facts.status >= 500
        ? 'Okta had a server error; run again later, and quote the errorId to Okta support if it persists.'
        : 'See the Okta error above.';
  }
}

function formatMessage(r: ErrorRecord): string {
  const what = [r.status, r.errorCode, r.errorSummary ?? r.detail]
    .filter((x) => x !== undefined && x !== '')
    .join(' ');
  const causes = r.causes.length ? ` (causes: ${r.causes.join('; ')})` : '';
  const id = r.errorId ? ` (errorId ${r.errorId})` : '';
  const extra = r.errorSummary !== undefined && r.detail ? ` [${r.detail}]` : '';
  const attempts = `${r.attempts} attempt${r.attempts === 1 ? '' : 's'}`;
  return `${r.operation} failed after ${attempts}: ${what}${causes}${id}${extra}. ${r.hint}`;
}
