/**
 * Opening clients: picks the executor (the per-user deploy agent, or the in-process stack when the agent is
 * off or cannot start) at the first call, so opening a client costs nothing and never loads axios or jose
 * on the hook side unless the in-process stack is really needed.
 */
import { ENV } from '../common';
import { AerialClient } from './aerial-client';
import type { AgentSession } from './agent/agent-client';
import { checkConnection, connectionKey, DEFAULT_DEADLINE_MS } from './connection';
import { makeLogger } from './log/debug-log';
import { PrincipalRateLimitClient } from './principal-rate-limit-client';
import type {
  AerialConnection,
  ApiRequest,
  ApiResponse,
  ClientCounters,
  ClientOptions,
  ConnectionRef,
  Executor,
  OrgConnection,
} from './types';
import { emptyCounters } from './types';

/** True unless OKTA_AERIAL_NO_AGENT=1 or the options say otherwise. */
function wantsAgent(options: ClientOptions, env: NodeJS.ProcessEnv = process.env): boolean {
  if (options.useAgent !== undefined) return options.useAgent;
  return env[ENV.noAgent] !== '1';
}

let session: Promise<AgentSession | undefined> | undefined;
let warned = false;
const inProcess = new Set<Executor>();

function inProcessExecutor(ref: ConnectionRef, options: ClientOptions): Executor {
  // Required here, not at the top: this is what loads axios, axios-retry and jose.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy load keeps hook start-up fast
  const { HttpExecutor } = require('./http/http-executor') as typeof import('./http/http-executor');
  return new HttpExecutor(ref, options);
}

/** Chooses agent or in-process at the first call; falls back with one warning when the agent cannot start. */
class SelectingExecutor implements Executor {
  private chosen?: Promise<Executor>;
  private current?: Executor;
  private readonly idle: ClientCounters = emptyCounters();

  constructor(
    private readonly ref: ConnectionRef,
    private readonly options: ClientOptions,
  ) {}

  get counters(): ClientCounters {
    return this.current?.counters ?? this.idle;
  }

  async execute(req: ApiRequest): Promise<ApiResponse> {
    return (await this.choose()).execute(req);
  }

  async sharedCounters(): Promise<ClientCounters> {
    return (await this.choose()).sharedCounters();
  }

  private choose(): Promise<Executor> {
    this.chosen ??= this.pick().then((e) => (this.current = e));
    return this.chosen;
  }

  private async pick(): Promise<Executor> {
    if (wantsAgent(this.options)) {
      const log = makeLogger(this.options);
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy load keeps hook start-up fast
      const { connectAgent } = require('./agent/agent-client') as typeof import('./agent/agent-client');
      session ??= connectAgent({ log }).catch((e: unknown) => {
        if (!warned) {
          warned = true;
          log.warn(
            `warning: the shared deploy agent is not available (${(e as Error).message}); calling the API from this process`,
          );
        }
        return undefined;
      });
      const s = await session;
      if (s) return s.executor(this.ref, connectionKey(this.ref), this.options);
    }
    const ex = inProcessExecutor(this.ref, this.options);
    inProcess.add(ex);
    return ex;
  }
}

/** Opens a client of the Aerial API for one account (no I/O until the first call). */
export function openAerialClient(conn: AerialConnection, options: ClientOptions = {}): AerialClient {
  return new AerialClient(conn.accountId, ...executorOf({ kind: 'aerial', conn }, options));
}

/** Opens a client of one org's Principal Rate Limits API (no I/O until the first call). */
export function openPrincipalRateLimitClient(
  conn: OrgConnection,
  options: ClientOptions = {},
): PrincipalRateLimitClient {
  return new PrincipalRateLimitClient(conn.orgUrl, ...executorOf({ kind: 'org', conn }, options));
}

/** Opens clients of both APIs over given executors. */
export interface ClientOpeners {
  aerial(conn: AerialConnection): AerialClient;
  principalRateLimits(conn: OrgConnection): PrincipalRateLimitClient;
}

/**
 * Clients whose calls go to the executor `executorFor` makes for each connection: the deploy agent runs
 * the hooks of thin hook processes this way, on its own shared stack. Connections are checked as
 * {@link openAerialClient} checks them.
 */
export function clientOpeners(
  executorFor: (ref: ConnectionRef) => Executor,
  onResponse?: ClientOptions['onResponse'],
): ClientOpeners {
  const open = (ref: ConnectionRef): [Executor, number] => {
    checkConnection(ref);
    return [observed(executorFor(ref), onResponse), ref.conn.deadlineMs ?? DEFAULT_DEADLINE_MS];
  };
  return {
    aerial: (conn) => new AerialClient(conn.accountId, ...open({ kind: 'aerial', conn })),
    principalRateLimits: (conn) => new PrincipalRateLimitClient(conn.orgUrl, ...open({ kind: 'org', conn })),
  };
}

/** A checked connection's executor (chosen at the first call) and its operations' deadline. */
function executorOf(ref: ConnectionRef, options: ClientOptions): [Executor, number] {
  checkConnection(ref);
  return [
    observed(new SelectingExecutor(ref, options), options.onResponse),
    ref.conn.deadlineMs ?? DEFAULT_DEADLINE_MS,
  ];
}

/** An executor whose successful responses are also shown to `onResponse`. */
function observed(executor: Executor, onResponse: ClientOptions['onResponse']): Executor {
  if (!onResponse) return executor;
  return {
    execute: async (req) => {
      const res = await executor.execute(req);
      onResponse(res);
      return res;
    },
    sharedCounters: () => executor.sharedCounters(),
    get counters() {
      return executor.counters;
    },
  };
}

/** Closes the agent connection and keep-alive sockets so a hook process can exit promptly. */
export async function closeClients(): Promise<void> {
  const s = session;
  session = undefined;
  warned = false;
  if (s) await (await s)?.close();
  if (inProcess.size > 0) {
    inProcess.clear();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy load keeps hook start-up fast
    (require('./http/http-executor') as typeof import('./http/http-executor')).closeInProcess();
  }
}
