/**
 * The executor of a client whose calls run in the deploy agent. A call the agent did not run is sent again,
 * to a restarted agent if need be, whatever its method; one written to an agent that then went away may
 * have run, so a POST is reported as a retryable network error instead (its handler re-reads before posting
 * again). When no agent can be restarted, this process calls the API itself.
 */
import { ENV } from '../../common';
import { OktaApiError } from '../errors/api-error';
import { createOktaApiError } from '../errors/api-error-factory';
import { AgentError } from '../errors/agent-error';
import { errorFromRecord } from '../errors/wire';
import type {
  ApiRequest,
  ApiResponse,
  ClientCounters,
  ClientOptions,
  ConnectionRef,
  Executor,
} from '../types';
import { emptyCounters } from '../types';
import type { Lost, NotSent, Session } from './session';

/** How many times one call may move to a restarted agent before this process calls the API itself. */
const MAX_RENEWALS = 3;

/** A call through the agent: its result, or why it has none (not run: send it again; lost: it may have run). */
type Routed<T> = { readonly kind: 'done'; readonly value: T } | NotSent | Lost;

/** Executes calls in the agent; falls back to an in-process stack when the agent is gone and cannot restart. */
export class AgentExecutor implements Executor {
  readonly counters: ClientCounters = emptyCounters();
  private fallback?: Executor;

  constructor(
    private session: Session,
    private readonly ref: ConnectionRef,
    private readonly key: string,
    private readonly options: ClientOptions,
  ) {}

  async execute(req: ApiRequest): Promise<ApiResponse> {
    return this.viaAgent(
      () => this.callAgent(req),
      (ex) => ex.execute(req),
      req.method === 'POST' ? req.operation : undefined,
    );
  }

  async sharedCounters(): Promise<ClientCounters> {
    return this.viaAgent(
      async () => {
        const open = await this.session.ensureOpen(this.key, this.ref);
        if (open.kind !== 'open') return open;
        const d = await this.session.request({ t: 'counters', key: this.key });
        if (d.kind === 'silent') throw this.silent('read the deploy agent counters', d.why);
        if (d.kind !== 'reply') return d;
        if (!d.reply.ok) throw errorFromRecord(d.reply.error);
        return { kind: 'done', value: { ...d.reply.counters! } };
      },
      (ex) => ex.sharedCounters(),
    );
  }

  /** Runs `call` through the agent, moving to a restarted agent (or this process) when it did not run. */
  private async viaAgent<T>(
    call: () => Promise<Routed<T>>,
    inProcess: (ex: Executor) => Promise<T>,
    post?: string,
  ): Promise<T> {
    for (let renewals = 0; ; renewals++) {
      if (this.fallback) return inProcess(this.fallback);
      const r = await call();
      if (r.kind === 'done') return r.value;
      if (r.kind === 'lost' && post !== undefined) throw lostCallError(this.ref, post, r.why);
      const next = renewals < MAX_RENEWALS ? await this.session.renew() : undefined;
      if (next) {
        this.session = next;
        continue;
      }
      this.session.log.warn(
        'warning: the deploy agent went away and could not be restarted; calling the API from this process',
      );
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only on this rare path
      const { HttpExecutor } = require('../http/http-executor') as typeof import('../http/http-executor');
      this.fallback = new HttpExecutor(this.ref, this.options);
    }
  }

  private async callAgent(req: ApiRequest): Promise<Routed<ApiResponse>> {
    const open = await this.session.ensureOpen(this.key, this.ref);
    if (open.kind !== 'open') return open;
    const d = await this.session.request(
      { t: 'call', key: this.key, req, debug: this.session.log.debugging },
      silenceLimitMs(req),
    );
    if (d.kind === 'silent') throw this.silent(req.operation, d.why);
    if (d.kind !== 'reply') return d;
    const reply = d.reply;
    for (const line of reply.log ?? []) this.session.log.debug(line);
    if (reply.counters) {
      this.counters.maxInFlight = reply.counters.maxInFlight;
      this.counters.tokensFetched = reply.counters.tokensFetched;
      this.counters.window = reply.counters.window;
    }
    if (!reply.ok) {
      const err = errorFromRecord(reply.error);
      if (err instanceof OktaApiError) {
        this.counters.requests += err.attempts;
        this.counters.retries += Math.max(0, err.attempts - 1);
        if (err.status === 429) this.counters.throttled += err.attempts;
      }
      throw err;
    }
    const res = reply.res!;
    this.counters.requests += res.attempts;
    this.counters.retries += res.retries;
    this.counters.throttled += res.throttled;
    return { kind: 'done', value: res };
  }

  private silent(operation: string, why: string): AgentError {
    return silentCallError(operation, why);
  }
}

/** A POST written to an agent that went away before it replied: it may have run, so it is not sent again. */
export function lostCallError(ref: ConnectionRef, operation: string, why: string): OktaApiError {
  return createOktaApiError({
    operation,
    attempts: 1,
    service: ref.kind === 'aerial' ? 'aerial' : 'org',
    code: 'ECONNLOST',
    transportMessage: why,
  });
}

/** The agent took the call and went silent: the call may have run, and the hook must not hang Terraform. */
export function silentCallError(operation: string, why: string): AgentError {
  return new AgentError({
    code: 'EAGENTSILENT',
    operation,
    reason: why,
    mayHaveRun: true,
    hint: `The call may have run; run the deploy again (handlers read before they write), or set ${ENV.noAgent}=1 to call the API from each hook`,
  });
}

/** How long a hook waits for the agent's answer to a call before it gives up on it (EAGENTSILENT). */
export function silenceLimitMs(req: ApiRequest): number {
  return req.deadlineMs + 5_000;
}
