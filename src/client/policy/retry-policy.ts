/**
 * The retry decision and the retry delay, as pure functions of one failed attempt (no I/O, no clock,
 * no randomness of their own), so every rule of design.md is a row in a unit-test table. The retry layer
 * (http/retry-layer.ts) hands them to axios-retry for API calls, POSTs that re-read and token requests alike.
 */

/** Tunables of the retry layer. */
export interface RetryPolicy {
  /** Attempts per operation, the first included. @default 10 */
  readonly maxAttempts: number;
  /** Backoff base for 5xx, resets and timeouts. @default 250 */
  readonly baseDelayMs: number;
  /** Upper bound of any backoff that is not a server-announced wait. @default 10000 */
  readonly maxDelayMs: number;
  /** Lower and upper bound of the first backoff after a concurrency 429. @default 100 / 500 */
  readonly concurrencyMinDelayMs: number;
  readonly concurrencyMaxDelayMs: number;
  /** Upper bound the concurrency backoff grows to. @default 2000 */
  readonly concurrencyCapDelayMs: number;
  /** Random extra wait after a rate-limit reset, so waiting clients do not return at once. @default 1000 */
  readonly rateJitterMs: number;
  /** Timeout of one attempt (the operation deadline still applies). @default 30000 */
  readonly attemptTimeoutMs: number;
  /** Retries of 5xx/reset/timeout failures a client may spend before it stops amplifying an outage. @default 50 */
  readonly budget: number;
}

/** Defaults of {@link RetryPolicy}. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 10,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  concurrencyMinDelayMs: 100,
  concurrencyMaxDelayMs: 500,
  concurrencyCapDelayMs: 2_000,
  rateJitterMs: 1_000,
  attemptTimeoutMs: 30_000,
  budget: 50,
};

/** How a failed attempt is classified before any decision (smithy-style). */
export type FailureKind =
  | 'concurrency' // 429 with X-Rate-Limit-Limit: 0 (or no rate headers at all)
  | 'rate' // 429 of a per-minute bucket: wait for the reset
  | 'auth' // 401 on an OAuth token: refresh once
  | 'dpop-nonce' // use_dpop_nonce: 401 from a resource server, 400 from the authorization server
  | 'server' // 5xx except 501
  | 'network' // reset, refused, hang up
  | 'tls' // the certificate is not trusted, or the host does not speak TLS: repeats on every attempt
  | 'timeout' // attempt timed out
  | 'client'; // anything else: not retryable

/** Everything the decision needs to know about one failed attempt. */
export interface RetryContext {
  readonly method: string;
  /** Attempts made so far for this operation, the failed one included (>= 1). */
  readonly attempt: number;
  readonly status?: number;
  /** Response headers, lower-case names. */
  readonly headers?: Readonly<Record<string, string | undefined>>;
  /** Transport error code (ECONNRESET, ETIMEDOUT, ECONNABORTED, ...), when there was no response. */
  readonly code?: string;
  /** The transport error's message, when there was no response (tells a TLS mismatch from a passing failure). */
  readonly message?: string;
  /** The failed attempt used a keep-alive socket that an earlier request had already used. */
  readonly reusedSocket?: boolean;
  /** The response body's Okta `errorCode` or OAuth `error` (e.g. use_dpop_nonce), when it has one. */
  readonly errorCode?: string;
  /** The call carries an OAuth token that can be fetched again (not SSWS). */
  readonly canRefreshToken?: boolean;
  /** A 401 already led to a token refresh in this operation. */
  readonly refreshedToken?: boolean;
  /** Earlier retries of the same kind in this operation (drives the growth of backoffs). */
  readonly previousOfKind?: number;
  /** The caller re-reads before repeating a POST, so a POST may be retried like a PUT. */
  readonly rereadBeforeRetry?: boolean;
  /** The retry budget has room for one more transient retry. @default true */
  readonly budgetAvailable?: boolean;
  /** Current time in ms (the caller's clock), used to read Retry-After dates when Date is missing. */
  readonly nowMs: number;
  readonly policy: RetryPolicy;
}

/** The verdict of {@link shouldRetry}. */
export interface RetryDecision {
  readonly retry: boolean;
  readonly kind: FailureKind;
  /** Why not, for the error message. */
  readonly reason?: 'attempts' | 'budget' | 'not-retryable' | 'unsafe-method' | 'refreshed';
  /** Retry allowed only because the caller re-reads first (a POST that may have taken effect). */
  readonly rereadFirst?: true;
}

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT']);

/** Node's codes for a certificate that does not verify (OpenSSL's X509_V_ERR names, and the host checks). */
const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_CHAIN_TOO_LONG',
  'PATH_LENGTH_EXCEEDED',
  'CERT_REVOKED',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_TLS_CERT_ALTNAME_FORMAT',
]);

/**
 * Handshakes that fail the same way every time, by Node's code or OpenSSL's message: the host does not speak
 * TLS on that port (an https:// URL for a plain HTTP server gives "wrong version number"), or it shares no
 * protocol version with us. Only on a fresh connection: on a reused keep-alive socket, plain text from a
 * middlebox gives the same codes and a new connection may well work. Other handshake failures (an alert
 * from an overloaded load balancer, a record corrupted mid-stream) may pass and stay network failures,
 * retried as those are.
 */
const NOT_TLS = {
  codes: new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG']),
  message: /wrong version number|packet length too long/i,
};
const NO_COMMON_VERSION = {
  codes: new Set([
    'ERR_SSL_UNSUPPORTED_PROTOCOL',
    'ERR_SSL_NO_PROTOCOLS_AVAILABLE',
    'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
  ]),
  message: /unsupported protocol|no protocols available|alert protocol version/i,
};

/**
 * A TLS failure that no retry can fix: a certificate that does not verify, a host that does not speak TLS
 * there, or one that shares no TLS version with us.
 */
export type TlsFailure = 'certificate' | 'not-tls' | 'no-common-version';

/**
 * Classifies a transport failure (its code, its message, whether it came on a reused keep-alive socket) as
 * a TLS failure that no retry can fix.
 */
export function tlsFailureOf(
  code: string | undefined,
  message = '',
  reusedSocket = false,
): TlsFailure | undefined {
  if (code === undefined) return undefined;
  if (CERTIFICATE_CODES.has(code)) return 'certificate';
  if (reusedSocket) return undefined;
  const is = (kind: { codes: Set<string>; message: RegExp }): boolean =>
    kind.codes.has(code) || (code === 'EPROTO' && kind.message.test(message));
  if (is(NOT_TLS)) return 'not-tls';
  if (is(NO_COMMON_VERSION)) return 'no-common-version';
  return undefined;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** Classifies a failed attempt. */
export function classifyFailure(
  ctx: Pick<
    RetryContext,
    'status' | 'headers' | 'code' | 'message' | 'reusedSocket' | 'errorCode' | 'canRefreshToken'
  >,
): FailureKind {
  const { status, headers = {} } = ctx;
  if (status === undefined) {
    if (ctx.code && TIMEOUT_CODES.has(ctx.code)) return 'timeout';
    if (tlsFailureOf(ctx.code, ctx.message, ctx.reusedSocket)) return 'tls';
    return 'network';
  }
  if (status === 429) {
    const limit = headers['x-rate-limit-limit'];
    if (headers['retry-after'] !== undefined) return 'rate';
    if (limit === undefined || limit.trim() === '0') return 'concurrency';
    return 'rate';
  }
  if (status === 401) {
    if (/use_dpop_nonce/i.test(headers['www-authenticate'] ?? '') && headers['dpop-nonce'])
      return 'dpop-nonce';
    return ctx.canRefreshToken ? 'auth' : 'client';
  }
  // The authorization server asks for its nonce in the DPoP proof of a token request (RFC 9449 §8).
  if (status === 400 && ctx.errorCode === 'use_dpop_nonce' && headers['dpop-nonce']) return 'dpop-nonce';
  if (status >= 500 && status <= 599 && status !== 501) return 'server';
  return 'client';
}

/**
 * Decides whether to retry, in this order: classify; not retryable; attempts exhausted; one token refresh;
 * method safety (a POST is never repeated blindly); retry budget for transient failures.
 */
export function shouldRetry(ctx: RetryContext): RetryDecision {
  const kind = classifyFailure(ctx);
  if (kind === 'client' || kind === 'tls') return { retry: false, kind, reason: 'not-retryable' };
  if (ctx.attempt >= ctx.policy.maxAttempts) return { retry: false, kind, reason: 'attempts' };
  // The server refused to authenticate the call, so it did nothing: safe for any method.
  if (kind === 'auth')
    return ctx.refreshedToken ? { retry: false, kind, reason: 'refreshed' } : { retry: true, kind };
  if (kind === 'dpop-nonce') return { retry: true, kind };
  const idempotent = IDEMPOTENT.has(ctx.method.toUpperCase());
  if (!idempotent && ctx.rereadBeforeRetry !== true) return { retry: false, kind, reason: 'unsafe-method' };
  if ((kind === 'server' || kind === 'network' || kind === 'timeout') && ctx.budgetAvailable === false) {
    return { retry: false, kind, reason: 'budget' };
  }
  return idempotent ? { retry: true, kind } : { retry: true, kind, rereadFirst: true };
}

/** Milliseconds until the rate-limit window resets, measured against the response's own Date (clock-skew safe). */
export function rateLimitWaitMs(
  headers: Readonly<Record<string, string | undefined>>,
  nowMs: number,
): number | undefined {
  const serverNow = headers.date !== undefined ? Date.parse(headers.date) : NaN;
  const reference = Number.isFinite(serverNow) ? serverNow : nowMs;
  const retryAfter = headers['retry-after']?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.max(0, Number(retryAfter) * 1000);
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(0, at - reference);
  }
  const reset = headers['x-rate-limit-reset']?.trim();
  if (reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - reference);
  return undefined;
}

/**
 * How long to wait before the next attempt. `random` is a number in [0, 1) supplied by the caller.
 * - concurrency 429: short, jittered, growing (never the reset estimate: that is the SDK's two-minute stall);
 * - rate 429: until the reset (Date-relative) or Retry-After, plus jitter;
 * - 5xx/reset/timeout: capped exponential backoff with "equal jitter";
 * - token refresh and DPoP nonce: immediately.
 */
export function computeDelay(ctx: RetryContext, kind: FailureKind, random: number): number {
  const p = ctx.policy;
  const n = Math.max(0, ctx.previousOfKind ?? 0);
  switch (kind) {
    case 'auth':
    case 'dpop-nonce':
    case 'client':
      return 0;
    case 'concurrency': {
      const hi = Math.min(p.concurrencyCapDelayMs, p.concurrencyMaxDelayMs * 2 ** n);
      const lo = Math.min(hi, p.concurrencyMinDelayMs * 2 ** n);
      return Math.round(lo + (hi - lo) * random);
    }
    case 'rate': {
      const wait = rateLimitWaitMs(ctx.headers ?? {}, ctx.nowMs);
      if (wait !== undefined) return Math.round(wait + p.rateJitterMs * random);
      return Math.round(backoff(p, n, random));
    }
    default:
      return Math.round(backoff(p, n, random));
  }
}

function backoff(p: RetryPolicy, n: number, random: number): number {
  const ceiling = Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** n);
  return ceiling / 2 + (ceiling / 2) * random;
}

/** The full plan for one failed attempt: decision, delay, and the deadline check. */
export interface RetryPlan extends RetryDecision {
  readonly delayMs: number;
  /** True when the retry was refused because its wait would pass the operation deadline. */
  readonly deadlineExceeded?: boolean;
}

/** Combines {@link shouldRetry} and {@link computeDelay} and refuses a retry whose wait would pass the deadline. */
export function planRetry(ctx: RetryContext, random: number, remainingMs: number): RetryPlan {
  const decision = shouldRetry(ctx);
  if (!decision.retry) return { ...decision, delayMs: 0 };
  const delayMs = computeDelay(ctx, decision.kind, random);
  if (delayMs >= remainingMs) return { retry: false, kind: decision.kind, delayMs, deadlineExceeded: true };
  return { ...decision, delayMs };
}

/**
 * A token bucket of transient retries (5xx, resets, timeouts): each such retry takes one token and each
 * success gives a tenth back, so a long outage is not multiplied by every caller (smithy's retry quota).
 */
export class RetryBudget {
  /** Counted in tenths so refunds add up exactly. */
  private tenths: number;

  constructor(private readonly capacity: number) {
    this.tenths = capacity * 10;
  }

  /** Room for one more transient retry. */
  get available(): boolean {
    return this.tenths >= 10;
  }

  /** Takes one token for a transient retry. */
  spend(): void {
    this.tenths = Math.max(0, this.tenths - 10);
  }

  /** Gives a tenth back on success. */
  refund(): void {
    this.tenths = Math.min(this.capacity * 10, this.tenths + 1);
  }
}
