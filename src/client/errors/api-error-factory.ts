/**
 * The one factory of API errors (stripe-node style): it reduces what an attempt showed (a response, or a
 * transport failure, plus what the operation knows) to a redacted {@link ApiErrorRecord}, picks the class
 * and the hint, and builds the error. Only real API calls come here; configuration, agent and protocol
 * failures have their own types. Free of axios on purpose.
 */
import { isLoopbackHost } from '../../common/net';
import { redact } from '../log/redact';
import { tlsFailureOf, type TlsFailure } from '../policy/retry-policy';
import { API_ERROR_CLASSES, type ApiErrorRecord, type ApiErrorType, type OktaApiError } from './api-error';
import { causeRecordOf, redactRequest } from './okta-aerial-error';

/** Which API answered, for the hint that tells a person what to do. */
export type ApiService = 'aerial' | 'org' | 'token';

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
  /** Response headers, lower-case names (X-Okta-Request-Id is read from them). */
  readonly headers?: Readonly<Record<string, string | undefined>>;
  /** Transport error code and message, when there was no response. */
  readonly code?: string;
  readonly transportMessage?: string;
  /** The failed attempt went over a reused keep-alive socket (a TLS mismatch there may pass). */
  readonly reusedSocket?: boolean;
  /** The transport failure itself; only its name, code and redacted message are kept. */
  readonly cause?: unknown;
  /** The request that failed last; shown redacted. */
  readonly request?: { readonly method: string; readonly url: string };
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

/** Builds the error for a failed API call: the one factory every layer uses. */
export function createOktaApiError(facts: ErrorFacts): OktaApiError {
  const record = toErrorRecord(facts);
  return new API_ERROR_CLASSES[record.type](record);
}

/** Reduces the facts of a failure to a redacted record. */
export function toErrorRecord(facts: ErrorFacts): ApiErrorRecord {
  const secrets = facts.secrets ?? [];
  const clean = (s: string | undefined): string | undefined =>
    s === undefined ? undefined : redact(s, secrets).slice(0, 2000);
  const parsed = parseErrorBody(facts.body);
  const status = facts.status;
  const type = errorType(facts, parsed.errorCode, parsed.errorSummary);
  const retryable =
    type === 'RateLimitError' ||
    (type === 'NetworkError' && !tlsFailureOf(facts.code, facts.transportMessage, facts.reusedSocket)) ||
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
    requestId: clean(facts.headers?.['x-okta-request-id']),
    request: facts.request && redactRequest(facts.request.method, facts.request.url, secrets),
    causes: parsed.causes.map((c) => clean(c) ?? ''),
    cause: causeRecordOf(facts.cause, secrets),
    detail: clean(detail),
    hint: hintFor(type, facts),
  };
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

function errorType(facts: ErrorFacts, errorCode?: string, errorSummary?: string): ApiErrorType {
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

function hintFor(type: ApiErrorType, facts: ErrorFacts): string {
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
    case 'NetworkError': {
      if (refusedOnLoopback(facts)) return emulatorHint(facts.host as string);
      const tls = tlsFailureOf(facts.code, facts.transportMessage, facts.reusedSocket);
      if (tls) return tlsHint(tls, facts.code as string, facts.host);
      if (facts.code === 'ECONNLOST')
        return 'The deploy agent went away while the call was in flight, so it may have run; run the deploy again (the handler reads before it writes again).';
      return `Check network access to ${facts.host ?? 'the API host'} (DNS, proxy, firewall), then run again.`;
    }
    case 'TimeoutError':
      if (refusedOnLoopback(facts)) return emulatorHint(facts.host as string);
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

/** A loopback host refused the connection: nothing listens there, which for this project means the emulator. */
function refusedOnLoopback(facts: { code?: string; host?: string }): boolean {
  return facts.code === 'ECONNREFUSED' && onLoopback(facts.host);
}

/** The host (with its port) is this machine: where the local emulator runs. */
function onLoopback(host: string | undefined): boolean {
  if (!host) return false;
  try {
    return isLoopbackHost(new URL(`http://${host}`).hostname);
  } catch {
    return false;
  }
}

/** Certificate codes whose fix is the clock or the certificate, and those whose fix is the URL's host name. */
const CERT_DATES = /^(CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERROR_IN_CERT_NOT_(BEFORE|AFTER)_FIELD)$/;
const CERT_NAMES = /^(HOSTNAME_MISMATCH|ERR_TLS_CERT_ALTNAME_INVALID)$/;

/**
 * What to do about a TLS failure, which repeats on every attempt and so is not retried. A deploy agent
 * keeps the environment it started with, so a changed NODE_EXTRA_CA_CERTS reaches it only once it has exited.
 */
function tlsHint(kind: TlsFailure, code: string, host = 'the API host'): string {
  if (kind === 'certificate') {
    const cert = `The TLS certificate of ${host} does not verify (${code}).`;
    if (CERT_DATES.test(code))
      return `${cert} Check this machine's clock; if it is right, the host's certificate has expired or is not valid yet.`;
    if (CERT_NAMES.test(code))
      return `${cert} It is for another host name: check the host in the URL (and that no proxy answers for it).`;
    return (
      `${cert} If a proxy on your network inspects TLS, or the host's certificate comes from a private CA, set ` +
      "NODE_EXTRA_CA_CERTS to that CA's PEM file (the next hook gets a deploy agent of its own; a file changed " +
      'under the same name reaches a running agent only after it exits, by default 60 s after its last call); ' +
      "do not turn certificate checks off. Otherwise check the URL's host name."
    );
  }
  if (kind === 'no-common-version')
    return (
      `${host} and this client have no TLS version in common (${code}): check NODE_OPTIONS for ` +
      '--tls-min-v1.x or --tls-max-v1.x, and any proxy in between.'
    );
  return onLoopback(host)
    ? `${host} did not answer with TLS (${code}). The local emulator serves plain HTTP: use an http:// URL for ` +
        "it (the URLs 'npx okta-aerial emulator' prints)."
    : `${host} did not complete a TLS handshake (${code}): check the URL's scheme and port (Okta is https:// on 443) ` +
        'and any proxy in between.';
}

function emulatorHint(host: string): string {
  return (
    `Check that ${host} is reachable: nothing listens there. For the local emulator, start it on that port ` +
    "('npx okta-aerial emulator', 8787 by default); otherwise fix the URL. Then run again."
  );
}
