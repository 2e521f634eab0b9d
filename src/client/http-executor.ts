/**
 * The in-process HTTP stack, composed in this one place (house style 6):
 *
 *   transport (axios, keep-alive agents) → errors (one factory) → retry (axios-retry + planRetry)
 *   → limiter (adaptive window around the adapter) → auth (token + fresh DPoP proof per attempt, signed
 *   once the attempt holds its slot)
 *
 * Loaded lazily: the hook side of the deploy agent never requires this file (axios, axios-retry and jose
 * cost ~110 ms per process). The deploy agent uses it for the real calls.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import axios, {
  AxiosError,
  type AxiosAdapter,
  type AxiosInstance,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import axiosRetry from 'axios-retry';
import { SCOPES } from '../okta-api';
import { OAuthAuthorizer, orgAuthorizer, type AuthEnvironment, type Authorizer, type PostForm } from './auth';
import {
  baseUrlOf,
  checkUrl,
  connectionKey,
  DEFAULT_MAX_CONCURRENCY,
  limiterKey,
  secretsOf,
} from './connection';
import { makeLogger, type ClientLogger } from './debug-log';
import { createOktaApiError, DEADLINE_CODE, OktaApiError, type ApiService, type ErrorFacts } from './errors';
import { AdaptiveLimiter } from './limiter';
import { nextLink } from './link-header';
import { redact } from './redact';
import {
  classifyFailure,
  DEFAULT_RETRY_POLICY,
  planRetry,
  RetryBudget,
  type FailureKind,
  type RetryContext,
  type RetryPlan,
  type RetryPolicy,
} from './retry-policy';
import type {
  ApiRequest,
  ApiResponse,
  ClientCounters,
  ClientOptions,
  ConnectionRef,
  Executor,
  RereadSpec,
} from './types';
import { emptyCounters } from './types';
import { PACKAGE_VERSION } from './version';

/** The config field that links an axios request to its operation state. */
const OP_FIELD = 'oktaAerialOp';

/** Per-operation state, shared by every attempt (axios clones configs between attempts, so it lives here). */
interface OpState {
  readonly operation: string;
  readonly method: string;
  readonly scope: string;
  readonly started: number;
  readonly deadlineMs: number;
  readonly service: ApiService;
  attempts: number;
  retries: number;
  throttled: number;
  kinds: Partial<Record<FailureKind, number>>;
  refreshed: boolean;
  firstRequestId?: string;
  token?: string;
  lastCtx?: RetryContext;
  plan?: RetryPlan;
}

/** Shared keep-alive connections of this process. */
let agents: { http: http.Agent; https: https.Agent } | undefined;
const limiters = new Map<string, AdaptiveLimiter>();
const authorizers = new Map<string, { auth: Authorizer; tokens: { fetched: number } }>();
const budgets = new Map<string, RetryBudget>();

function keepAliveAgents(): { http: http.Agent; https: https.Agent } {
  agents ??= {
    http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
  };
  return agents;
}

/** Layer 1, transport: one axios instance per client, keep-alive, never following redirects with credentials. */
export function createTransport(loopback: boolean): AxiosInstance {
  const a = keepAliveAgents();
  return axios.create({
    httpAgent: a.http,
    httpsAgent: a.https,
    maxRedirects: 0,
    // A proxy from the environment must not capture loopback traffic to the emulator.
    proxy: loopback ? false : undefined,
    headers: { Accept: 'application/json', 'User-Agent': `cdktf-okta-aerial/${PACKAGE_VERSION}` },
    transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: true },
    validateStatus: (s) => s >= 200 && s < 300,
  });
}

/** Lower-case plain header object of an axios response. */
function headersOf(res: AxiosResponse | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (!res?.headers) return out;
  const raw =
    typeof (res.headers as { toJSON?: () => unknown }).toJSON === 'function'
      ? (res.headers as { toJSON(): Record<string, unknown> }).toJSON()
      : res.headers;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (v === undefined || v === null) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}

/** Runs API requests for one connection with the full in-process stack. */
export class HttpExecutor implements Executor {
  readonly counters: ClientCounters = emptyCounters();
  private readonly http: AxiosInstance;
  private readonly limiter: AdaptiveLimiter;
  private readonly auth: Authorizer;
  private readonly tokens: { fetched: number };
  private readonly budget: RetryBudget;
  private readonly policy: RetryPolicy;
  private readonly states = new Map<string, OpState>();
  private readonly base: URL;
  private readonly secrets: string[];
  private readonly log: ClientLogger;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly service: ApiService;

  constructor(
    private readonly ref: ConnectionRef,
    options: ClientOptions & { readonly debug?: boolean } = {},
  ) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = options.random ?? Math.random;
    this.service = ref.kind === 'aerial' ? 'aerial' : 'org';
    this.base = checkUrl(baseUrlOf(ref), ref.kind === 'aerial' ? 'baseUrl' : 'orgUrl');
    this.secrets = secretsOf(ref);
    // The deploy agent decides per call whether lines are kept, so it asks for all of them.
    this.log = makeLogger(options, this.secrets, options.debug ? { OKTA_AERIAL_DEBUG: '1' } : process.env);

    const lkey = limiterKey(ref);
    let limiter = limiters.get(lkey);
    if (!limiter) {
      limiter = new AdaptiveLimiter(ref.conn.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY);
      limiters.set(lkey, limiter);
    }
    this.limiter = limiter;
    this.lowerCap(ref.conn.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY);
    let budget = budgets.get(lkey);
    if (!budget) {
      budget = new RetryBudget(this.policy.budget);
      budgets.set(lkey, budget);
    }
    this.budget = budget;

    const ckey = connectionKey(ref);
    let entry = authorizers.get(ckey);
    if (!entry) {
      const tokens = { fetched: 0 };
      entry = { auth: this.makeAuthorizer(tokens), tokens };
      authorizers.set(ckey, entry);
    }
    this.auth = entry.auth;
    this.tokens = entry.tokens;
    this.secrets.push(...this.auth.secrets);

    // The composition, in order. Each layer is a few lines below.
    this.http = createTransport(this.base.protocol === 'http:');
    this.attachLimiter();
    this.attachRetry();
  }

  /** Applies another client's `maxConcurrency` to the account's shared limiter (the lowest one holds). */
  lowerCap(maxConcurrency: number): void {
    this.limiter.lowerCap(maxConcurrency);
  }

  async sharedCounters(): Promise<ClientCounters> {
    this.syncCounters();
    return { ...this.counters };
  }

  /** Runs one operation: the request with its retries, and for a POST with `reread`, the re-read-then-decide loop. */
  async execute(req: ApiRequest): Promise<ApiResponse> {
    const st: OpState = {
      operation: req.operation,
      method: req.method,
      scope: req.scope,
      started: this.now(),
      deadlineMs: req.deadlineMs,
      service: this.service,
      attempts: 0,
      retries: 0,
      throttled: 0,
      kinds: {},
      refreshed: false,
    };
    for (;;) {
      try {
        const res = await this.send(req.method, this.resolve(req.path, req.query), req.body, st);
        this.budget.refund();
        return this.result(res.status, res.data, headersOf(res), st);
      } catch (e) {
        if (!req.reread || !(e instanceof AxiosError) || st.plan?.reason !== 'unsafe-method' || !st.lastCtx)
          throw this.toError(e, st);
        // The POST failed in a way that may or may not have taken effect: ask the same policy, as if the
        // call were idempotent, then re-read and only repeat the POST when it did not take effect.
        const plan = planRetry({ ...st.lastCtx, rereadBeforeRetry: true }, this.random(), this.remaining(st));
        st.plan = plan;
        if (!plan.retry) throw this.toError(e, st);
        this.noteRetry(st, plan, e.response);
        await this.sleep(plan.delayMs);
        const found = await this.reread(req.reread, st);
        if (found.done)
          return {
            status: 200,
            data: found.data,
            attempts: st.attempts,
            retries: st.retries,
            throttled: st.throttled,
          };
      }
    }
  }

  private makeAuthorizer(tokens: { fetched: number }): Authorizer {
    const postForm: PostForm = async (url, form, headers, timeoutMs) => {
      const res = await axios.post(url, new URLSearchParams(form).toString(), {
        headers: {
          ...headers,
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
          'User-Agent': `cdktf-okta-aerial/${PACKAGE_VERSION}`,
        },
        httpAgent: keepAliveAgents().http,
        httpsAgent: keepAliveAgents().https,
        proxy: new URL(url).protocol === 'http:' ? false : undefined,
        timeout: timeoutMs,
        maxRedirects: 0,
        validateStatus: () => true,
        transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: true },
      });
      return { status: res.status, headers: headersOf(res), data: res.data };
    };
    const env: AuthEnvironment = {
      postForm,
      now: this.now,
      sleep: this.sleep,
      random: this.random,
      policy: this.policy,
      log: (line) => this.log.debug(line),
      onTokenFetched: () => {
        tokens.fetched++;
      },
    };
    if (this.ref.kind === 'aerial') {
      const c = this.ref.conn;
      checkUrl(c.tokenUrl, 'tokenUrl');
      return new OAuthAuthorizer(
        { ...c, scopes: [SCOPES.accountsRead, SCOPES.accountsManage], service: 'token' },
        env,
      );
    }
    if (this.ref.conn.auth.type === 'oauth') checkUrl(this.ref.conn.auth.tokenUrl, 'tokenUrl');
    return orgAuthorizer(this.ref.conn.auth, env, [
      SCOPES.principalRateLimitsRead,
      SCOPES.principalRateLimitsManage,
    ]);
  }

  /**
   * Layers: limiter, then auth. Wraps the adapter, so a slot is held exactly while a request is on the wire,
   * and each attempt is authorized only once it holds its slot: a DPoP proof signed (or a token checked
   * against its refresh margin) before a wait in the queue could be stale by the time it is sent.
   */
  private attachLimiter(): void {
    const adapter = axios.getAdapter(axios.defaults.adapter) as AxiosAdapter;
    this.http.defaults.adapter = async (config: InternalAxiosRequestConfig) => {
      const st = this.stateOf(config);
      if (st) {
        st.attempts++;
        // Fetch a missing or expiring token before queueing, so a slot is never held by a token request.
        await this.auth.prepare(st.scope, st.operation, this.remaining(st));
      }
      const release = await this.limiter.acquire();
      this.syncCounters();
      let remaining: number;
      try {
        if (st && this.remaining(st) > 0) await this.authorize(config, st);
        remaining = st ? this.remaining(st) : this.policy.attemptTimeoutMs;
        if (remaining <= 0)
          throw new AxiosError(
            'the operation deadline ran out while waiting for a free slot',
            DEADLINE_CODE,
            config,
          );
      } catch (e) {
        release('other');
        throw e;
      }
      config.timeout = Math.max(1, Math.min(this.policy.attemptTimeoutMs, remaining));
      this.counters.requests++;
      try {
        const res = await adapter(config);
        release(res.status < 400 ? 'success' : 'other');
        return res;
      } catch (e) {
        const res = (e as AxiosError).response;
        release(
          res && classifyFailure({ status: res.status, headers: headersOf(res) }) === 'concurrency'
            ? 'throttled'
            : 'other',
        );
        throw e;
      } finally {
        this.syncCounters();
      }
    };
  }

  /** Layer: auth, for every attempt, retries included: token from the cache, fresh DPoP proof, retry headers. */
  private async authorize(config: InternalAxiosRequestConfig, st: OpState): Promise<void> {
    const a = await this.auth.authorize(st.method, config.url!, st.scope, st.operation, this.remaining(st));
    st.token = a.token;
    for (const [k, v] of Object.entries(a.headers)) config.headers.set(k, v);
    if (st.retries > 0) {
      config.headers.set('X-Okta-Retry-For', st.firstRequestId ?? '');
      config.headers.set('X-Okta-Retry-Count', String(st.retries));
    }
  }

  /** Layer: retry. axios-retry asks planRetry (pure) whether and when; the wait uses the injectable sleep. */
  private attachRetry(): void {
    axiosRetry(this.http, {
      retries: 1000, // the policy's maxAttempts bounds retries, not axios-retry
      shouldResetTimeout: true,
      retryDelay: () => 0,
      retryCondition: (error) => {
        const st = this.stateOf(error.config);
        if (!st || error.code === DEADLINE_CODE) return false;
        const res = error.response;
        const headers = headersOf(res);
        if (res?.status === 429) {
          st.throttled++;
          this.counters.throttled++;
        }
        const base = {
          status: res?.status,
          headers,
          code: res ? undefined : error.code,
          canRefreshToken: this.auth.type === 'oauth',
        };
        const kind = classifyFailure(base);
        const ctx: RetryContext = {
          ...base,
          method: st.method,
          attempt: st.attempts,
          refreshedToken: st.refreshed,
          previousOfKind: st.kinds[kind] ?? 0,
          budgetAvailable: this.budget.available,
          nowMs: this.now(),
          policy: this.policy,
        };
        st.lastCtx = ctx;
        st.plan = planRetry(ctx, this.random(), this.remaining(st));
        this.log.debug(this.describe(st, error, st.plan));
        return st.plan.retry;
      },
      onRetry: async (_count, error) => {
        const st = this.stateOf(error.config);
        if (!st?.plan) return;
        this.noteRetry(st, st.plan, error.response);
        await this.sleep(st.plan.delayMs);
      },
    });
  }

  private noteRetry(st: OpState, plan: RetryPlan, res: AxiosResponse | undefined): void {
    st.retries++;
    this.counters.retries++;
    st.kinds[plan.kind] = (st.kinds[plan.kind] ?? 0) + 1;
    st.firstRequestId ??= headersOf(res)['x-okta-request-id'] ?? randomBytes(12).toString('base64url');
    if (plan.kind === 'auth') {
      this.auth.invalidate(st.token);
      st.refreshed = true;
    } else if (plan.kind === 'dpop-nonce') {
      const nonce = headersOf(res)['dpop-nonce'];
      if (nonce) this.auth.setResourceNonce(this.base.href, nonce);
    } else if (plan.kind === 'server' || plan.kind === 'network' || plan.kind === 'timeout') {
      this.budget.spend();
    }
  }

  private async send(method: string, url: string, body: unknown, st: OpState): Promise<AxiosResponse> {
    const opId = randomBytes(9).toString('base64url');
    this.states.set(opId, st);
    try {
      const hasBody = method !== 'GET';
      return await this.http.request({
        method,
        url,
        // Okta answers 411 to a POST/PUT without a body and without Content-Length.
        data: hasBody ? (body === undefined ? '' : JSON.stringify(body)) : undefined,
        headers: hasBody ? { 'Content-Type': 'application/json' } : undefined,
        [OP_FIELD]: opId,
      } as unknown as InternalAxiosRequestConfig);
    } finally {
      this.states.delete(opId);
    }
  }

  private async reread(spec: RereadSpec, st: OpState): Promise<{ done: boolean; data?: unknown }> {
    const present = (spec.expect ?? 'present') === 'present';
    // The re-read is its own request with its own attempts: counting them against the POST's attempt limit
    // would leave a create only half its tries under faults (the operation's deadline still bounds both).
    const inner: OpState = {
      ...st,
      method: 'GET',
      attempts: 0,
      retries: 0,
      kinds: {},
      refreshed: false,
      plan: undefined,
      lastCtx: undefined,
    };
    let data: unknown;
    try {
      const res = await this.send('GET', this.resolve(spec.path, spec.query), undefined, inner);
      data = res.data;
    } catch (e) {
      if (e instanceof AxiosError && e.response?.status === 404) return { done: !present };
      throw this.toError(e, inner);
    } finally {
      st.throttled = inner.throttled;
      st.retries += inner.retries;
    }
    const match = pick(data, spec.pick);
    return present ? { done: match !== undefined, data: match } : { done: match === undefined };
  }

  private result(
    status: number,
    data: unknown,
    headers: Record<string, string | undefined>,
    st: OpState,
  ): ApiResponse {
    const next = nextLink(headers.link);
    if (next !== undefined) this.sameOrigin(next);
    return { status, data, next, attempts: st.attempts, retries: st.retries, throttled: st.throttled };
  }

  /** Resolves a path below the base URL, or checks an absolute next-page URL, and adds the query. */
  private resolve(path: string, query?: ApiRequest['query']): string {
    const url = /^https?:\/\//i.test(path)
      ? this.sameOrigin(path)
      : new URL(this.base.href.replace(/\/$/, '') + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  /** Credentials are only ever sent to the configured origin, whatever a Link header says. */
  private sameOrigin(href: string): URL {
    const url = new URL(href);
    if (url.origin !== this.base.origin) {
      throw createOktaApiError({
        operation: `follow link to ${url.origin}`,
        attempts: 0,
        service: this.service,
        status: 0,
        body: {
          errorSummary: `the server sent a link to another origin than ${this.base.origin}; not following it with credentials`,
        },
      });
    }
    return url;
  }

  private remaining(st: OpState): number {
    return st.deadlineMs - (this.now() - st.started);
  }

  private stateOf(config: unknown): OpState | undefined {
    const id = (config as Record<string, unknown> | undefined)?.[OP_FIELD];
    return typeof id === 'string' ? this.states.get(id) : undefined;
  }

  private syncCounters(): void {
    this.counters.maxInFlight = this.limiter.maxInFlight;
    this.counters.inFlight = this.limiter.inFlight;
    this.counters.window = Math.round(this.limiter.window * 100) / 100;
    this.counters.tokensFetched = this.tokens.fetched;
  }

  private describe(st: OpState, error: AxiosError, plan: RetryPlan): string {
    const res = error.response;
    const what = res ? `${res.status}` : `${error.code ?? 'error'}`;
    const next = plan.retry
      ? `retry in ${plan.delayMs} ms`
      : plan.deadlineExceeded
        ? 'deadline would pass, giving up'
        : `giving up (${plan.reason})`;
    return `${st.operation}: ${st.method} attempt ${st.attempts} -> ${what} (${plan.kind}), ${next}; window ${this.limiter.window.toFixed(2)}`;
  }

  private toError(e: unknown, st: OpState): Error {
    if (e instanceof OktaApiError) return e;
    const facts: Omit<ErrorFacts, 'status'> = {
      operation: st.operation,
      attempts: st.attempts,
      service: st.service,
      deadlineMs: st.deadlineMs,
      authType: this.auth.type,
      scope: st.scope,
      host: this.base.host,
      secrets: this.secrets,
    };
    if (e instanceof AxiosError) {
      const res = e.response;
      return createOktaApiError({
        ...facts,
        status: res?.status,
        body: res?.data,
        headers: headersOf(res),
        code: res ? undefined : e.code,
        transportMessage: res ? undefined : redact(e.message, this.secrets),
        deadlineExceeded: e.code === DEADLINE_CODE || st.plan?.deadlineExceeded,
        budgetExhausted: st.plan?.reason === 'budget',
      });
    }
    return createOktaApiError({
      ...facts,
      code: 'ECLIENT',
      transportMessage: redact(e instanceof Error ? e.message : String(e), this.secrets),
    });
  }
}

function pick(data: unknown, p: RereadSpec['pick']): unknown {
  const items = Array.isArray(data) ? data : data && typeof data === 'object' ? [data] : [];
  if (!p) return items[0];
  const want = p.caseInsensitive ? p.equals.toLowerCase() : p.equals;
  return items.find((it) => {
    const v = (it as Record<string, unknown>)?.[p.field];
    return typeof v === 'string' && (p.caseInsensitive ? v.toLowerCase() : v) === want;
  });
}

/** Closes keep-alive connections and forgets limiters, tokens and budgets of this process. */
export function closeInProcess(): void {
  agents?.http.destroy();
  agents?.https.destroy();
  agents = undefined;
  limiters.clear();
  authorizers.clear();
  budgets.clear();
}
