/**
 * Hook side of the deploy agent. Connects to the per-user agent socket, starting the agent (detached,
 * stdio closed, unref'd, so Terraform never waits for it) when nobody answers, and sends API calls to it as
 * small JSON messages. Deliberately light: node built-ins plus the client's axios-free modules only, so a
 * hook process does not pay for loading axios, axios-retry or jose.
 */
import { spawn } from 'node:child_process';
import { closeSync, lstatSync, openSync, statSync, unlinkSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { resolve } from 'node:path';
import type { ClientLogger } from '../debug-log';
import { createOktaApiError, errorFromRecord, type ErrorRecord } from '../errors';
import type {
  ApiRequest,
  ApiResponse,
  ClientCounters,
  ClientOptions,
  ConnectionRef,
  Executor,
} from '../types';
import { emptyCounters } from '../types';
import { agentDir, ensurePrivateDir, MAX_SOCKET_PATH_BYTES, socketPath, spawnLockPath } from './paths';
import { PROTOCOL, readLines, send, type AgentReply, type AgentRequest } from './protocol';

/** How long a hook waits for a freshly started agent. */
const START_WAIT_MS = 2_000;
/**
 * How long the first message to an agent may take. A live agent answers it at once (it only opens a
 * client); one that does not is stopped (SIGSTOP) or wedged, and is replaced.
 */
const OPEN_TIMEOUT_MS = 5_000;
/** A start marker older than this is stale (its starter died). */
const SPAWN_LOCK_STALE_MS = 3_000;
/** Environment passed to the agent: never the hook's secrets, only what reaching the API needs. */
const AGENT_ENV =
  /^(PATH|HOME|USER|LOGNAME|TMPDIR|TMP|TEMP|LANG|LC_ALL|NODE_EXTRA_CA_CERTS|NODE_OPTIONS|SSL_CERT_FILE|SSL_CERT_DIR|HTTPS?_PROXY|https?_proxy|NO_PROXY|no_proxy|OKTA_AERIAL_AGENT_DIR|OKTA_AERIAL_AGENT_IDLE_MS|SYSTEMROOT)$/;

/** The agent went away after the call was written and before its reply: the call may have run. */
class AgentLostError extends Error {}
/**
 * The call was not run: the session was already known lost before anything was written, or the agent
 * answered that it is stopping. Safe to send again, whatever the method.
 */
class AgentNotSentError extends Error {}
/** A hook says once that it replaced a silent agent. */
let warnedWedged = false;
/** How many times one call may move to a restarted agent before this process calls the API itself. */
const MAX_RENEWALS = 3;
/** The agent is there but did not answer in time. */
class AgentSilentError extends Error {}

/** A connection to the deploy agent shared by every client of this process. */
export interface AgentSession {
  executor(ref: ConnectionRef, key: string, options: ClientOptions): Executor;
  close(): Promise<void>;
}

/** What {@link connectAgent} needs. */
export interface ConnectOptions {
  readonly log: ClientLogger;
  readonly env?: NodeJS.ProcessEnv;
}

function tryConnect(path: string): Promise<Socket | undefined> {
  return new Promise((done) => {
    const s = connect(path);
    s.once('connect', () => {
      s.removeAllListeners('error');
      done(s);
    });
    s.once('error', () => {
      s.destroy();
      done(undefined);
    });
  });
}

/** Starts the agent unless another hook is doing so right now (a fresh start marker exists). */
function startAgent(dir: string, env: NodeJS.ProcessEnv): void {
  const lock = spawnLockPath(dir);
  try {
    closeSync(openSync(lock, 'wx', 0o600));
  } catch {
    try {
      if (Date.now() - statSync(lock).mtimeMs < SPAWN_LOCK_STALE_MS) return;
      unlinkSync(lock);
      closeSync(openSync(lock, 'wx', 0o600));
    } catch {
      return; // another hook won the race to start it
    }
  }
  const bin = resolve(__dirname, '..', '..', '..', 'bin', 'okta-aerial.js');
  const childEnv: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (AGENT_ENV.test(k)) childEnv[k] = v;
  childEnv.OKTA_AERIAL_AGENT_DIR = dir;
  const child = spawn(process.execPath, [bin, 'agent', '--dir', dir], {
    detached: true,
    stdio: 'ignore',
    env: childEnv,
    cwd: dir,
  });
  child.on('error', () => {}); // reported as "could not start" by the connect loop
  child.unref();
}

/** Connects to the deploy agent, starting it if needed; rejects (so the caller falls back) when it cannot. */
export async function connectAgent(opts: ConnectOptions): Promise<AgentSession> {
  const env = opts.env ?? process.env;
  const dir = agentDir(env);
  ensurePrivateDir(dir);
  const path = socketPath(dir);
  // Unix socket paths are limited to ~104 bytes (macOS) / 108 (Linux); say so instead of timing out.
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES)
    throw new Error(`the socket path ${path} is too long; set OKTA_AERIAL_AGENT_DIR to a shorter folder`);
  // Something else at the socket's name would make every hook wait for nothing: say what it is at once.
  const found = lstatSync(path, { throwIfNoEntry: false });
  if (found && !found.isSocket()) {
    throw new Error(
      `${path} is a ${found.isDirectory() ? 'folder' : 'file'}, not the deploy agent's socket; remove it, ` +
        `or set OKTA_AERIAL_AGENT_DIR to another folder`,
    );
  }
  let socket = await tryConnect(path);
  if (!socket) {
    startAgent(dir, env);
    const until = Date.now() + START_WAIT_MS;
    while (!socket && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 25));
      socket = await tryConnect(path);
    }
  }
  if (!socket) throw new Error(`it did not answer on ${path} within ${START_WAIT_MS / 1000} s`);
  opts.log.debug(`using the deploy agent at ${path}`);
  const inode = lstatSync(path, { throwIfNoEntry: false })?.ino;
  return new Session(socket, opts, () => connectAgent(opts), { path, inode });
}

/** A request without its id (the session numbers them). */
type AgentRequestBody = AgentRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

type Pending = { resolve: (r: AgentReply) => void; reject: (e: Error) => void };

class Session implements AgentSession {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly opened = new Set<string>();
  private lost = false;
  private replacement?: Promise<Session | undefined>;

  constructor(
    private socket: Socket,
    private readonly opts: ConnectOptions,
    private readonly reconnect: () => Promise<AgentSession>,
    /** The shared socket name and the file it named when this session connected. */
    private readonly at: { readonly path: string; readonly inode?: number },
  ) {
    this.attach(socket);
  }

  private attach(socket: Socket): void {
    socket.unref();
    readLines(socket, (msg) => {
      const reply = msg as AgentReply;
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) socket.unref();
      if (!reply.ok && reply.goingAway) {
        // Replies to calls still running there will come; new calls go to the agent that serves the socket now.
        this.lost = true;
        p.reject(new AgentNotSentError('the deploy agent is stopping and did not run the call'));
        return;
      }
      p.resolve(reply);
    });
    const fail = (): void => {
      this.lost = true;
      const err = new AgentLostError('the deploy agent closed the connection');
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    socket.on('close', fail);
    socket.on('error', fail);
  }

  /** Sends one message and waits for its reply. */
  /**
   * Sends one message and waits for its reply. The agent enforces each operation's deadline itself; the
   * hook's own timer (a little longer) only guards against an agent that stopped answering altogether.
   */
  async request(msg: AgentRequestBody, timeoutMs = 10_000): Promise<AgentReply> {
    // Nothing is written on a session known to be gone: the caller renews it and sends the call there.
    if (this.lost || this.socket.destroyed) {
      this.lost = true;
      throw new AgentNotSentError('the deploy agent connection is closed');
    }
    const id = this.nextId++;
    return new Promise<AgentReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        if (this.pending.size === 0) this.socket.unref();
        reject(new AgentSilentError(`the deploy agent did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      const done =
        <T>(f: (v: T) => void) =>
        (v: T): void => {
          clearTimeout(timer);
          f(v);
        };
      this.pending.set(id, { resolve: done(resolve), reject: done(reject) });
      // Keep the process alive only while calls are in flight, so an idle hook exits at once.
      this.socket.ref();
      send(this.socket, { ...msg, id } as AgentRequest);
    });
  }

  async ensureOpen(key: string, ref: ConnectionRef): Promise<void> {
    // Clients with the same credentials share the key; each maxConcurrency must still reach the agent.
    const opened = `${key} ${ref.conn.maxConcurrency ?? ''}`;
    if (this.opened.has(opened)) return;
    let r: AgentReply;
    try {
      r = await this.request({ t: 'open', key, ref }, OPEN_TIMEOUT_MS);
    } catch (e) {
      // Only the open was written, never the call: a lost agent here is a call not sent.
      if (e instanceof AgentLostError) throw new AgentNotSentError(e.message);
      if (e instanceof AgentSilentError) throw this.replaceWedged();
      throw e;
    }
    if (!r.ok) throw errorFromRecord(r.error);
    if (r.protocol !== PROTOCOL) {
      // An agent of another build: treat it as gone, so this process restarts or falls back.
      this.lost = true;
      this.socket.destroy();
      throw new AgentNotSentError(
        `the deploy agent speaks protocol ${r.protocol ?? 'unknown'}, not ${PROTOCOL}`,
      );
    }
    this.opened.add(opened);
  }

  /**
   * The agent took the connection but does not answer (stopped, or wedged): free the shared socket name
   * (only if it still names that agent's socket) so the renewal starts a new agent. The old agent, if it
   * ever runs again, sees its name taken and takes no new call.
   */
  private replaceWedged(): Error {
    this.lost = true;
    this.socket.destroy();
    try {
      if (this.at.inode !== undefined && lstatSync(this.at.path).ino === this.at.inode)
        unlinkSync(this.at.path);
    } catch {
      // already replaced by another hook
    }
    if (!warnedWedged) {
      warnedWedged = true;
      this.opts.log.warn(
        `warning: the deploy agent at ${this.at.path} did not answer within ${OPEN_TIMEOUT_MS / 1000} s ` +
          '(stopped or wedged); starting a new one',
      );
    }
    return new AgentNotSentError('the deploy agent did not answer; replaced');
  }

  get isLost(): boolean {
    return this.lost;
  }

  /** A fresh session after the agent went away (restarting it), or undefined when that fails. */
  renew(): Promise<Session | undefined> {
    this.replacement ??= this.reconnect().then(
      (s) => s as Session,
      () => undefined,
    );
    return this.replacement;
  }

  executor(ref: ConnectionRef, key: string, options: ClientOptions): Executor {
    return new AgentExecutor(this, ref, key, options, this.opts.log);
  }

  async close(): Promise<void> {
    this.lost = true;
    this.socket.end();
    this.socket.destroy();
    const r = this.replacement && (await this.replacement);
    await r?.close();
  }
}

/** Executes calls in the agent; falls back to an in-process stack when the agent is gone and cannot restart. */
class AgentExecutor implements Executor {
  readonly counters: ClientCounters = emptyCounters();
  private fallback?: Executor;

  constructor(
    private session: Session,
    private readonly ref: ConnectionRef,
    private readonly key: string,
    private readonly options: ClientOptions,
    private readonly log: ClientLogger,
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
        await this.session.ensureOpen(this.key, this.ref);
        const r = await this.session.request({ t: 'counters', key: this.key });
        if (!r.ok) throw errorFromRecord(r.error);
        return { ...r.counters! };
      },
      (ex) => ex.sharedCounters(),
    );
  }

  /**
   * Runs `call` through the agent, moving to a restarted agent when this one is gone. A call the agent did
   * not run is sent again whatever its method; one written to an agent that then went away may have run,
   * so a POST (`post` names it) is reported as a retryable network error instead (its handler re-reads
   * before posting again). When no agent can be restarted, this process calls the API itself.
   */
  private async viaAgent<T>(
    call: () => Promise<T>,
    inProcess: (ex: Executor) => Promise<T>,
    post?: string,
  ): Promise<T> {
    for (let renewals = 0; ; renewals++) {
      if (this.fallback) return inProcess(this.fallback);
      try {
        return await call();
      } catch (e) {
        if (!(e instanceof AgentLostError) && !(e instanceof AgentNotSentError)) throw e;
        if (e instanceof AgentLostError && post !== undefined) {
          throw createOktaApiError({
            operation: post,
            attempts: 1,
            service: this.ref.kind === 'aerial' ? 'aerial' : 'org',
            code: 'ECONNLOST',
            transportMessage: e.message,
          });
        }
        const next = renewals < MAX_RENEWALS ? await this.session.renew() : undefined;
        if (next) {
          this.session = next;
          continue;
        }
        this.log.warn(
          'warning: the deploy agent went away and could not be restarted; calling the API from this process',
        );
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only on this rare path
        const { HttpExecutor } = require('../http-executor') as typeof import('../http-executor');
        this.fallback = new HttpExecutor(this.ref, this.options);
      }
    }
  }

  private async callAgent(req: ApiRequest): Promise<ApiResponse> {
    await this.session.ensureOpen(this.key, this.ref);
    let reply: AgentReply;
    try {
      reply = await this.session.request(
        { t: 'call', key: this.key, req, debug: this.log.debugging },
        req.deadlineMs + 5_000,
      );
    } catch (e) {
      if (!(e instanceof AgentSilentError)) throw e;
      throw createOktaApiError({
        operation: req.operation,
        attempts: 1,
        service: this.ref.kind === 'aerial' ? 'aerial' : 'org',
        code: 'ETIMEDOUT',
        transportMessage: e.message,
        deadlineMs: req.deadlineMs,
      });
    }
    for (const line of reply.log ?? []) this.log.debug(line);
    if (reply.counters) {
      this.counters.maxInFlight = reply.counters.maxInFlight;
      this.counters.tokensFetched = reply.counters.tokensFetched;
      this.counters.window = reply.counters.window;
    }
    if (!reply.ok) {
      const err = errorFromRecord(reply.error as ErrorRecord);
      this.counters.requests += err.attempts;
      this.counters.retries += Math.max(0, err.attempts - 1);
      if (err.status === 429) this.counters.throttled += err.attempts;
      throw err;
    }
    const res = reply.res!;
    this.counters.requests += res.attempts;
    this.counters.retries += res.retries;
    this.counters.throttled += res.throttled;
    return res;
  }
}

/** For tests: the folder and socket a client would use with this environment. */
export function agentLocation(env: NodeJS.ProcessEnv = process.env): { dir: string; socket: string } {
  const dir = agentDir(env);
  return { dir, socket: socketPath(dir) };
}
