/**
 * The in-process stack, composed here and nowhere else, in the order of design.md:
 *
 *   transport → errors → retry → limiter → auth
 *
 *   transport  transport.ts      axios over the process's keep-alive sockets, no redirects; each attempt's timeout
 *   errors     failure.ts,       every failed attempt read once into facts (all the retry decision sees); the
 *              operation.ts      operation's typed error, from the one factory, when its retries end
 *   retry      retry-layer.ts    axios-retry: retries from the policy, planRetry's verdict and delay; a POST
 *                                that may have taken effect is re-read before it is sent again
 *   limiter    limiter-layer.ts  one slot of the account's adaptive window per attempt
 *   auth       auth-layer.ts     the token fetched before queueing; headers and a fresh DPoP proof in the slot
 *
 * An attempt of an API call passes them from the outside in: axios-retry's interceptor → re-read → attempt
 * count → token → slot → headers → timeout → the wire; a failure goes back out through errors to retry,
 * which sends the next attempt the same way. A token request (auth's own call) takes the same way without
 * the limiter, with a fresh client assertion per attempt as its auth.
 */
import { randomBytes } from 'node:crypto';
import type { AxiosInstance, AxiosRequestConfig, AxiosResponse } from 'axios';
import axiosRetry from 'axios-retry';
import {
  CONNECTION_SCOPES,
  OAuthAuthorizer,
  SswsAuthorizer,
  type AuthEnvironment,
  type Authorizer,
  type SendGrant,
} from '../auth';
import { checkUrl } from '../connection';
import type { AdaptiveLimiter } from '../policy/limiter';
import type { RetryBudget, RetryPolicy } from '../policy/retry-policy';
import type { ClientCounters, ConnectionRef } from '../types';
import { authorize, prepareToken, signGrant } from './auth-layer';
import { adapterOf, type Layer } from './layer';
import { holdSlot } from './limiter-layer';
import { Operation } from './operation';
import {
  countAttempt,
  rereadBeforeRepeat,
  retryOptions,
  type Clock,
  type RereadResult,
  type RetryRules,
} from './retry-layer';
import { attemptTimeout, createTransport, headersOf, wire } from './transport';

/** Sends one operation's request through a stack; rejects with the operation's typed error. */
export type Send = (op: Operation, request: AxiosRequestConfig) => Promise<AxiosResponse>;

/** What the API stack of one connection is made of. */
export interface ApiStackParts {
  readonly loopback: boolean;
  readonly policy: RetryPolicy;
  readonly clock: Clock;
  readonly auth: Authorizer;
  readonly limiter: AdaptiveLimiter;
  readonly budget: RetryBudget;
  readonly counters: ClientCounters;
  /** Base URL of the API: the resource server whose DPoP nonces the auth layer keeps. */
  readonly baseUrl: string;
  /** Copies the limiter's figures into the counters. */
  readonly sync: () => void;
  readonly debug: (line: string) => void;
  /** The re-read of a POST with a `reread`, before the POST is repeated. */
  readonly reread: (post: Operation) => Promise<RereadResult>;
}

/** Failure kinds that take from the retry budget. */
const TRANSIENT = new Set(['server', 'network', 'timeout']);

/** The stack of API calls. */
export function apiStack(p: ApiStackParts): Send {
  const http = createTransport(p.loopback); // transport
  axiosRetry(http, { retries: 0 }); // retry: every request carries its operation's options (retryOptions)
  // One attempt, from the outside in (retry and auth each act at two points of it):
  const attempt: Layer[] = [
    rereadBeforeRepeat(p.reread), // retry: a POST that may have taken effect is re-read before a repeat
    countAttempt, // retry: attempt N of the operation
    prepareToken(p.auth), // auth: a token fetched before queueing, so no slot waits for it
    holdSlot(p.limiter, p.counters, p.sync), // limiter: one slot while on the wire
    authorize(p.auth), // auth: token, fresh DPoP proof and retry headers, signed in the slot
    attemptTimeout(p.policy.attemptTimeoutMs, () => p.counters.requests++), // transport: the attempt's timeout
  ];
  const rules = apiRetryRules(p);
  return (op, request) => send(http, op, request, attempt, rules); // errors: see send()
}

/** What the retry layer needs to know about API calls, and what their retries change. */
function apiRetryRules(p: ApiStackParts): RetryRules {
  return {
    policy: p.policy,
    clock: p.clock,
    facts: (op) => ({
      canRefreshToken: p.auth.type === 'oauth',
      budgetAvailable: p.budget.available,
      rereadBeforeRetry: op.spec.reread !== undefined,
    }),
    beforeRetry: (op, plan, failure) => {
      p.counters.retries++;
      op.firstRequestId ??= failure.requestId ?? randomBytes(12).toString('base64url');
      if (plan.kind === 'auth') {
        p.auth.invalidate(op.token);
        op.refreshedToken = true;
      } else if (plan.kind === 'dpop-nonce') {
        const nonce = failure.headers['dpop-nonce'];
        if (nonce) p.auth.setResourceNonce(p.baseUrl, nonce);
      } else if (TRANSIENT.has(plan.kind)) {
        p.budget.spend();
      }
      op.rereadDue = plan.rereadFirst === true && op.spec.reread !== undefined;
    },
    debug: p.debug,
    state: () => `; window ${p.limiter.window.toFixed(2)}`,
  };
}

/** What the token stack of one credential set is made of. */
export interface TokenStackParts {
  readonly tokenUrl: string;
  readonly policy: RetryPolicy;
  readonly clock: Clock;
  readonly debug: (line: string) => void;
}

/** The stack of token requests: the same transport, errors and retry, no limiter, a fresh assertion per attempt. */
export function tokenStack(p: TokenStackParts): SendGrant {
  const http = createTransport(new URL(p.tokenUrl).protocol === 'http:');
  axiosRetry(http, { retries: 0 });
  return async (req) => {
    const op = new Operation({
      name: req.operation,
      method: 'POST',
      url: req.url,
      service: 'token',
      scope: req.scope,
      deadlineMs: req.deadlineMs,
      context: { authType: 'oauth', host: new URL(req.url).host, secrets: req.secrets },
      now: p.clock.now,
    });
    // One attempt: counted (retry), signed with a fresh client assertion (auth), timed (transport).
    const attempt: Layer[] = [countAttempt, signGrant(req.sign), attemptTimeout(p.policy.attemptTimeoutMs)];
    const rules: RetryRules = {
      policy: p.policy,
      clock: p.clock,
      // A client-credentials grant has no effect but a new token, so it may be repeated like a PUT.
      facts: () => ({ rereadBeforeRetry: true }),
      beforeRetry: (_op, plan, failure) => {
        const nonce = failure.headers['dpop-nonce'];
        if (plan.kind === 'dpop-nonce' && nonce) req.useNonce(nonce);
      },
      debug: p.debug,
    };
    const request = {
      method: 'POST',
      url: req.url,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    };
    const res = await send(http, op, request, attempt, rules);
    return { status: res.status, data: res.data, requestId: headersOf(res)['x-okta-request-id'] };
  };
}

/** The authorizer of a connection's credentials; its token requests go through a {@link tokenStack}. */
export function authorizerFor(
  ref: ConnectionRef,
  p: Omit<TokenStackParts, 'tokenUrl'> & { readonly onTokenFetched: () => void },
): Authorizer {
  const env = (tokenUrl: string): AuthEnvironment => {
    checkUrl(tokenUrl, 'tokenUrl');
    return {
      sendGrant: tokenStack({ ...p, tokenUrl }),
      now: p.clock.now,
      log: p.debug,
      onTokenFetched: p.onTokenFetched,
    };
  };
  if (ref.kind === 'aerial')
    return new OAuthAuthorizer({ ...ref.conn, scopes: CONNECTION_SCOPES.aerial }, env(ref.conn.tokenUrl));
  const auth = ref.conn.auth;
  if (auth.type === 'ssws') return new SswsAuthorizer(auth.token);
  return new OAuthAuthorizer({ ...auth, scopes: CONNECTION_SCOPES.org }, env(auth.tokenUrl));
}

/**
 * One operation's request through a stack: its attempt's layers as the request's own adapter, its
 * axios-retry options, and (errors) the operation's typed error when the retries end.
 */
function send(
  http: AxiosInstance,
  op: Operation,
  request: AxiosRequestConfig,
  layers: readonly Layer[],
  rules: RetryRules,
): Promise<AxiosResponse> {
  return http
    .request({ ...request, adapter: adapterOf(op, layers, wire), 'axios-retry': retryOptions(op, rules) })
    .catch((e: unknown) => {
      throw op.errorFrom(e);
    });
}
