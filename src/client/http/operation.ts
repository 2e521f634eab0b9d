/**
 * One operation of the in-process stack (an API call or a token request) with all its attempts: the state
 * they share (attempts, retries, the last retry verdict, the token used), its deadline, and the error it
 * ends with. The layers of an attempt and the retry layer's options are bound to it per request.
 */
import { createOktaApiError, DEADLINE_CODE, type ApiService } from '../errors/api-error-factory';
import { OktaAerialError } from '../errors/okta-aerial-error';
import { redact } from '../log/redact';
import type { FailureKind, RetryPlan } from '../policy/retry-policy';
import type { RereadSpec } from '../types';
import { isAttemptFailure, readFailure } from './failure';

/** What an operation's errors name (the credential kind, the host) and must never show (secrets). */
export interface ErrorContext {
  readonly authType: 'oauth' | 'ssws';
  readonly host: string;
  readonly secrets: readonly string[];
}

/** What an operation is. */
export interface OperationSpec {
  /** What a person would call it, e.g. `getOrg 00o123` or `token request for client 0oa…`. */
  readonly name: string;
  readonly method: string;
  /** The URL of its request, as sent. */
  readonly url: string;
  readonly service: ApiService;
  /** The OAuth scope(s) it needs, for the 403 hint. */
  readonly scope: string;
  readonly deadlineMs: number;
  /** For a POST: the read that tells whether a failed attempt took effect. */
  readonly reread?: RereadSpec;
  readonly context: ErrorContext;
  readonly now: () => number;
}

/** One operation and the state its attempts share. */
export class Operation {
  readonly started: number;
  attempts = 0;
  retries = 0;
  throttled = 0;
  readonly kinds: Partial<Record<FailureKind, number>> = {};
  /** A 401 already led to a token refresh. */
  refreshedToken = false;
  /** X-Okta-Request-Id of the first failed attempt, sent as X-Okta-Retry-For. */
  firstRequestId?: string;
  /** The token the last attempt carried (invalidated on a 401). */
  token?: string;
  /** The retry layer's plan for the last failed attempt (cleared when an attempt starts). */
  verdict?: RetryPlan;
  /** The next attempt is a POST repeat that must re-read first. */
  rereadDue = false;
  /** A re-read showed the POST had taken effect; the answer is what it found. */
  answeredByReread = false;

  constructor(
    readonly spec: OperationSpec,
    started?: number,
  ) {
    this.started = started ?? spec.now();
  }

  get name(): string {
    return this.spec.name;
  }

  get method(): string {
    return this.spec.method;
  }

  get scope(): string {
    return this.spec.scope;
  }

  /** Time left before the deadline. */
  remaining(): number {
    return this.spec.deadlineMs - (this.spec.now() - this.started);
  }

  /** An attempt begins. */
  startAttempt(): void {
    this.attempts++;
    this.verdict = undefined;
  }

  /** The retry layer decided to retry. */
  noteRetry(plan: RetryPlan): void {
    this.retries++;
    this.kinds[plan.kind] = (this.kinds[plan.kind] ?? 0) + 1;
  }

  /**
   * The re-read of this POST: a GET of its own, with its own attempts (counting them against the POST's would
   * leave a create only half its tries under faults), under the same name and deadline. It belongs to the
   * POST's retry, so its own retries name the POST's first request.
   */
  rereadOf(url: string): Operation {
    const read = new Operation({ ...this.spec, method: 'GET', url, reread: undefined }, this.started);
    read.firstRequestId = this.firstRequestId;
    return read;
  }

  /** Counts a finished re-read's retries and 429s as this operation's. */
  absorb(read: Operation): void {
    this.retries += read.retries;
    this.throttled += read.throttled;
    for (const [kind, n] of Object.entries(read.kinds) as [FailureKind, number][])
      this.kinds[kind] = (this.kinds[kind] ?? 0) + n;
  }

  /** Time since the operation started. */
  elapsed(): number {
    return this.spec.now() - this.started;
  }

  /** The attempt waited for a slot until the deadline passed: nothing was sent. */
  deadlineWhileQueued(): OktaAerialError {
    return createOktaApiError({
      ...this.facts(),
      code: DEADLINE_CODE,
      transportMessage: 'the operation deadline ran out while waiting for a free slot',
      deadlineExceeded: true,
    });
  }

  /**
   * The error this operation ends with: a failed attempt becomes the API error of the one factory (with the
   * retry verdict: deadline, budget); an error of the client's own passes as it is.
   */
  errorFrom(e: unknown): unknown {
    if (e instanceof OktaAerialError || !isAttemptFailure(e)) return e;
    const f = readFailure(e);
    const transport = f.status === undefined;
    return createOktaApiError({
      ...this.facts(),
      status: f.status,
      body: f.body,
      headers: f.headers,
      code: f.code,
      reusedSocket: f.reusedSocket,
      transportMessage: transport
        ? redact(e.message, this.spec.context.secrets).replace(/\s+/g, ' ').trim()
        : undefined,
      cause: transport ? e : undefined,
      deadlineExceeded: this.verdict?.deadlineExceeded,
      budgetExhausted: this.verdict?.reason === 'budget',
    });
  }

  private facts() {
    const { name, method, url, service, scope, deadlineMs, context } = this.spec;
    return {
      operation: name,
      attempts: this.attempts,
      service,
      deadlineMs,
      authType: context.authType,
      scope,
      host: context.host,
      secrets: context.secrets,
      request: { method, url },
    };
  }
}
