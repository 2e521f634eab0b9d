/**
 * Runs the API requests of one connection with the in-process stack (composed in stack.ts). Loaded lazily:
 * the hook side of the deploy agent never requires it (axios, axios-retry and jose cost ~110 ms per
 * process); the deploy agent uses it for the real calls.
 */
import type { AxiosResponse } from 'axios';
import { ENV } from '../../common';
import {
  baseUrlOf,
  checkUrl,
  connectionKey,
  DEFAULT_MAX_CONCURRENCY,
  limiterKey,
  secretsOf,
} from '../connection';
import { isNotFound } from '../errors/api-error';
import { redactRequest, type RedactedRequest } from '../errors/okta-aerial-error';
import { ProtocolError } from '../errors/protocol-error';
import { makeLogger, type ClientLogger } from '../log/debug-log';
import type { AdaptiveLimiter } from '../policy/limiter';
import { DEFAULT_RETRY_POLICY, type RetryBudget } from '../policy/retry-policy';
import { emptyCounters } from '../types';
import type {
  ApiRequest,
  ApiResponse,
  ClientCounters,
  ClientOptions,
  ConnectionRef,
  Executor,
  RereadSpec,
} from '../types';
import { nextLink } from './link-header';
import { Operation, type ErrorContext } from './operation';
import { clockOf, type Clock, type RereadResult } from './retry-layer';
import { accountBudget, accountLimiter, credentialAuthorizer } from './shared-state';
import { apiStack, authorizerFor, type Send } from './stack';
import { headersOf } from './transport';

export { closeInProcess } from './shared-state';

/** Runs API requests for one connection with the full in-process stack. */
export class HttpExecutor implements Executor {
  readonly counters: ClientCounters = emptyCounters();
  private readonly send: Send;
  private readonly limiter: AdaptiveLimiter;
  private readonly budget: RetryBudget;
  private readonly tokens: { fetched: number };
  private readonly base: URL;
  private readonly context: ErrorContext;
  private readonly clock: Clock;
  private readonly log: ClientLogger;

  constructor(
    private readonly ref: ConnectionRef,
    options: ClientOptions & { readonly debug?: boolean } = {},
  ) {
    const policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.clock = clockOf(options);
    this.base = checkUrl(baseUrlOf(ref), ref.kind === 'aerial' ? 'baseUrl' : 'orgUrl');
    const secrets = secretsOf(ref);
    // The deploy agent decides per call whether lines are kept, so it asks for all of them.
    this.log = makeLogger(options, secrets, options.debug ? { [ENV.debug]: '1' } : process.env);
    const debug = (line: string): void => this.log.debug(line);

    const account = limiterKey(ref);
    this.limiter = accountLimiter(account, ref.conn.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY);
    this.budget = accountBudget(account, policy.budget);
    const shared = credentialAuthorizer(connectionKey(ref), (tokens) =>
      authorizerFor(ref, { policy, clock: this.clock, debug, onTokenFetched: () => tokens.fetched++ }),
    );
    this.tokens = shared.tokens;
    secrets.push(...shared.auth.secrets);
    this.context = { authType: shared.auth.type, host: this.base.host, secrets };

    this.send = apiStack({
      loopback: this.base.protocol === 'http:',
      policy,
      clock: this.clock,
      auth: shared.auth,
      limiter: this.limiter,
      budget: this.budget,
      counters: this.counters,
      baseUrl: this.base.href,
      sync: () => this.syncCounters(),
      debug,
      reread: (post) => this.reread(post),
    });
  }

  /** Applies another client's `maxConcurrency` to the account's shared limiter (the lowest one holds). */
  lowerCap(maxConcurrency: number): void {
    this.limiter.lowerCap(maxConcurrency);
  }

  async sharedCounters(): Promise<ClientCounters> {
    this.syncCounters();
    return { ...this.counters };
  }

  /** Runs one operation: the request with its retries (for a POST with `reread`, re-reading before a repeat). */
  async execute(req: ApiRequest): Promise<ApiResponse> {
    const url = this.resolve(req.operation, req.path, req.query);
    const op = new Operation({
      name: req.operation,
      method: req.method,
      url,
      service: this.ref.kind === 'aerial' ? 'aerial' : 'org',
      scope: req.scope,
      deadlineMs: req.deadlineMs,
      reread: req.reread,
      context: this.context,
      now: this.clock.now,
    });
    const hasBody = req.method !== 'GET';
    const res = await this.send(op, {
      method: req.method,
      url,
      // Okta answers 411 to a POST/PUT without a body and without Content-Length.
      data: hasBody ? (req.body === undefined ? '' : JSON.stringify(req.body)) : undefined,
      headers: hasBody ? { 'Content-Type': 'application/json' } : undefined,
    });
    // A success from the wire gives the retry budget a little back (an answer found by a re-read does not).
    if (!op.answeredByReread) this.budget.refund();
    return this.result(res, op);
  }

  /** Did the POST take effect? A GET of its own under the POST's name and deadline. */
  private async reread(post: Operation): Promise<RereadResult> {
    const spec = post.spec.reread!;
    const expect = spec.expect ?? 'present';
    const read = post.rereadOf(this.resolve(post.name, spec.path, spec.query));
    try {
      const res = await this.send(read, { method: 'GET', url: read.spec.url });
      const match = pick(res.data, spec.pick);
      if (expect === 'absent') return { done: match === undefined };
      return { done: match !== undefined, data: expect === 'present' ? match : undefined };
    } catch (e) {
      if (isNotFound(e)) return { done: expect !== 'present' };
      throw e;
    } finally {
      post.absorb(read);
    }
  }

  private result(res: AxiosResponse, op: Operation): ApiResponse {
    const headers = headersOf(res);
    const next = nextLink(headers.link);
    if (next !== undefined) {
      this.sameOrigin(next, op.name, {
        status: res.status,
        requestId: headers['x-okta-request-id'],
        request: redactRequest(op.method, op.spec.url, this.context.secrets),
      });
    }
    return {
      status: res.status,
      data: res.data,
      next,
      attempts: op.attempts,
      retries: op.retries,
      throttled: op.throttled,
      retryKinds: { ...op.kinds },
      elapsedMs: op.elapsed(),
    };
  }

  /** Resolves a path below the base URL, or checks an absolute next-page URL, and adds the query. */
  private resolve(operation: string, path: string, query?: ApiRequest['query']): string {
    const url = /^https?:\/\//i.test(path)
      ? this.sameOrigin(path, operation)
      : new URL(this.base.href.replace(/\/$/, '') + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  /** Credentials are only ever sent to the configured origin, whatever a Link header says. */
  private sameOrigin(
    href: string,
    operation: string,
    answer: { status?: number; requestId?: string; request?: RedactedRequest } = {},
  ): URL {
    const url = new URL(href);
    if (url.origin === this.base.origin) return url;
    throw new ProtocolError({
      operation,
      detail: `the server sent a link to ${url.origin}, another origin than ${this.base.origin}; it is not followed with credentials, so no request was sent there`,
      hint: "Point the connection at the API's own URL (a proxy or gateway that rewrites links is not supported).",
      ...answer,
    });
  }

  private syncCounters(): void {
    this.counters.maxInFlight = this.limiter.maxInFlight;
    this.counters.inFlight = this.limiter.inFlight;
    this.counters.window = Math.round(this.limiter.window * 100) / 100;
    this.counters.tokensFetched = this.tokens.fetched;
  }
}

function pick(data: unknown, p: RereadSpec['pick']): unknown {
  const items = Array.isArray(data) ? data : data && typeof data === 'object' ? [data] : [];
  if (!p) return items[0];
  const want = p.caseInsensitive && typeof p.equals === 'string' ? p.equals.toLowerCase() : p.equals;
  return items.find((it) => {
    const v = (it as Record<string, unknown>)?.[p.field];
    if (typeof v === 'boolean') return v === want;
    return typeof v === 'string' && (p.caseInsensitive ? v.toLowerCase() : v) === want;
  });
}
