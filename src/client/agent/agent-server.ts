/**
 * The deploy agent: one process per user, package version and network environment (network-env.ts) that
 * runs the API calls of every hook on the machine. It keeps one in-process stack per connection (credential
 * hash included) and one limiter per environment and account, so the concurrency cap, the token and the
 * keep-alive connections are shared by all hooks of all deploys. Nothing is written to disk but the socket
 * and the hook box (box-server.ts: a FIFO, the agent's pid, and each thin hook's output); it exits after an
 * idle period.
 * Longer than 300 lines on purpose: its lifecycle (listen, claim the shared name, idle exit, replacement)
 * and its message handling share the state of one running agent, which splitting would pass around.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { chmodSync, lstatSync, statSync, unlinkSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { ENV } from '../../common';
import { checkConnection, connectionKey, DEFAULT_MAX_CONCURRENCY } from '../connection';
import { AgentError } from '../errors/agent-error';
import { OktaAerialError } from '../errors/okta-aerial-error';
import type { ErrorRecord } from '../errors/wire';
import { closeInProcess, HttpExecutor } from '../http/http-executor';
import { redact } from '../log/redact';
import type { ApiRequest, ApiResponse, ConnectionRef, Executor } from '../types';
import { silenceLimitMs } from './agent-executor';
import { openHookBox, type BoxHook, type BoxPeer, type HookBox, type HookPeer } from './box-server';
import { checkSocketPath, ensurePrivateDir, socketPath, spawnLockPath, tempSocketPath } from './paths';
import {
  MAX_LINE,
  PROTOCOL,
  readLines,
  send,
  type AgentReply,
  type AgentRequest,
  type HookEvent,
} from './protocol';
import { claimSocketName, closeServer, listen } from './socket';

export { AgentAlreadyRunningError } from './socket';

/**
 * What a hook run in the agent gets (the thin hook path): the values the hook sent, its output, and
 * executors on the agent's shared stack whose calls are reported to the hook as they start and end.
 */
export interface HookHost {
  readonly action: string;
  /** The hook's spec, debug switch and the variables its spec names; for this hook only. */
  readonly env: Readonly<Record<string, string>>;
  out(text: string): void;
  err(text: string): void;
  /**
   * An executor of the agent's stack for `ref`; `texts` says what the hook prints for a call if the agent
   * goes away (POSTs) or stops answering while it runs.
   */
  executor(ref: ConnectionRef, texts: (req: ApiRequest) => HookCallTexts): Executor;
}

/** What the hook prints when the agent goes away (`ifLost`, set for POSTs only) or goes silent during a call. */
export interface HookCallTexts {
  readonly ifLost?: string;
  readonly ifSilent: string;
}

/** Runs one lifecycle hook in the agent; resolves to its exit code. Supplied by the hook layer (src/hook). */
export type HookRunner = (host: HookHost) => Promise<number>;

let defaultHookRunner: HookRunner | undefined;

/**
 * Makes agents of this process run whole hooks (the `hook` message) with `runner`. The client layer does not
 * know the handlers; the `okta-aerial agent` entry point hands them in.
 */
export function setHookRunner(runner: HookRunner | undefined): void {
  defaultHookRunner = runner;
}

/** How long an agent waits without calls before it exits, unless told otherwise. */
export const DEFAULT_AGENT_IDLE_MS = 60_000;

/** Options of {@link startAgentServer}. */
export interface AgentServerOptions {
  readonly dir: string;
  /** Exit after this long without calls. @default 60000 */
  readonly idleMs?: number;
  /** Diagnostics (never secrets). */
  readonly log?: (line: string) => void;
  /** How often the agent checks its socket file and idle time. @default idleMs / 4, between 50 and 1000 */
  readonly checkMs?: number;
  /** The clock of the idle time (tests). @default Date.now */
  readonly now?: () => number;
  /** Runs whole hooks sent with `hook`. @default - the one given to {@link setHookRunner}, else none */
  readonly runHook?: HookRunner;
}

/** A running agent. */
export interface RunningAgent {
  readonly socketPath: string;
  /** Resolves when the agent has stopped (idle, replaced, or closed). */
  readonly stopped: Promise<void>;
  close(): Promise<void>;
}

const calls = new AsyncLocalStorage<{ debug: boolean; lines: string[] }>();

/** Starts the agent on the socket of `dir`; rejects with AgentAlreadyRunningError when one is already there. */
export async function startAgentServer(opts: AgentServerOptions): Promise<RunningAgent> {
  const idleMs = opts.idleMs ?? DEFAULT_AGENT_IDLE_MS;
  const log = opts.log ?? (() => {});
  const now = opts.now ?? Date.now;
  ensurePrivateDir(opts.dir);
  const path = socketPath(opts.dir);
  checkSocketPath(path);
  const executors = new Map<string, HttpExecutor>();
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let lastActivity = now();
  let closing = false;
  /** Our socket file was removed or replaced: another agent may serve new hooks, so take no new calls. */
  let replaced = false;

  const executorFor = (key: string): HttpExecutor | undefined => executors.get(key);

  /** The shared stack of a checked connection, made at its first use; same credentials, lowest cap. */
  const openExecutor = (ref: ConnectionRef): HttpExecutor => {
    const key = connectionKey(ref);
    const existing = executors.get(key);
    if (existing) {
      existing.lowerCap(ref.conn.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY);
      return existing;
    }
    const ex = new HttpExecutor(ref, {
      log: (line) => {
        const call = calls.getStore();
        if (call?.debug) call.lines.push(line);
      },
      debug: true,
    });
    executors.set(key, ex);
    return ex;
  };

  /**
   * Runs a whole hook for a thin hook process. Its calls go through the shared stacks like any other; each
   * is reported to the hook as it starts and ends, so that a hook whose agent dies knows whether a POST may
   * have run. A call the hook can no longer see (it has gone), or that a stopping agent must not run, is
   * refused unrun, which ends the handler; a stopping agent then answers "going away" once the hook's other
   * calls are done, and the hook runs itself in its own process.
   */
  const runHook = async (peer: HookPeer, msg: Extract<AgentRequest, { t: 'hook' }>): Promise<void> => {
    const runner = opts.runHook ?? defaultHookRunner;
    if (!runner) return peer.send(unknownType(msg.id));
    let stop: 'going-away' | 'gone' | undefined;
    const running = new Set<Promise<unknown>>();
    let seq = 0;
    const debug = msg.env[ENV.debug] === '1';
    const emit = (ev: HookEventBody): void => {
      if (!stop) peer.send({ ...ev, id: msg.id } as HookEvent);
    };
    const refuse = (operation: string): never => {
      throw new AgentError({
        code: 'EAGENTGONE',
        operation,
        reason:
          stop === 'gone'
            ? 'the hook process went away; the call was not executed'
            : 'the deploy agent is stopping; the call was not executed',
      });
    };
    const host: HookHost = {
      action: msg.action,
      env: msg.env,
      out: (text) => emit({ ev: 'out', text }),
      err: (text) => emit({ ev: 'err', text }),
      executor: (ref, texts) => {
        let shared: HttpExecutor | undefined;
        const stack = (): HttpExecutor => (shared ??= openExecutor(ref));
        return {
          get counters() {
            return stack().counters;
          },
          sharedCounters: () => stack().sharedCounters(),
          execute: async (req): Promise<ApiResponse> => {
            if (closing || replaced) stop ??= 'going-away';
            if (stop) refuse(req.operation);
            const ex = stack();
            const n = ++seq;
            emit({ ev: 'call', n, ms: silenceLimitMs(req), ...texts(req) });
            // Checked once the hook has been told of the call: one that did not hear of it could not tell
            // that a POST may have run.
            if (peer.gone) {
              stop ??= 'gone';
              refuse(req.operation);
            }
            const call = { debug, lines: [] as string[] };
            lastActivity = now();
            const p = calls.run(call, () => ex.execute(req));
            running.add(p);
            try {
              return await p;
            } finally {
              running.delete(p);
              lastActivity = now();
              for (const line of call.lines) emit({ ev: 'err', text: `okta-aerial: ${line}\n` });
              emit({ ev: 'called', n });
            }
          },
        };
      },
    };
    inFlight++;
    try {
      emit({ ev: 'start' });
      let exit: number;
      try {
        exit = await runner(host);
      } catch (e) {
        host.err(`okta-aerial: ${redact(e instanceof Error ? e.message : String(e))}\n`);
        exit = 1;
      }
      if (stop === 'going-away') {
        await Promise.allSettled([...running]);
        peer.send(goingAway(msg.id));
      } else if (!stop) peer.send({ id: msg.id, ok: true, exit });
    } finally {
      inFlight--;
      lastActivity = now();
    }
  };

  const handle = async (socket: Socket, msg: AgentRequest): Promise<void> => {
    // A stopping or replaced agent must not run calls on connections hooks still hold: a second agent (with
    // its own limiter) may already serve other hooks. The reply says "not executed", so the hook re-sends
    // it, whatever the method, to the agent that serves the socket now.
    if ((closing || replaced) && msg.t !== 'ping')
      return send(socket, goingAway((msg as { id?: number }).id));
    lastActivity = now();
    switch (msg.t) {
      case 'ping':
        return send(socket, { id: msg.id, ok: true, pid: process.pid, protocol: PROTOCOL });
      case 'open': {
        try {
          checkConnection(msg.ref);
          const key = connectionKey(msg.ref as ConnectionRef);
          if (key !== msg.key) {
            const error = new AgentError({
              code: 'EAGENTMISMATCH',
              operation: 'open connection in the deploy agent',
              reason: 'the connection key does not match (hook and agent of different builds?)',
            });
            return send(socket, { id: msg.id, ok: false, error: error.toRecord() });
          }
          // Same credentials, maybe another maxConcurrency: the lowest cap asked for holds.
          openExecutor(msg.ref);
          return send(socket, { id: msg.id, ok: true, protocol: PROTOCOL });
        } catch (e) {
          // A connection the checks refuse (a bad URL, an unusable key) is a ConfigurationError, sent as it is.
          return send(socket, {
            id: msg.id,
            ok: false,
            error: recordOf(e, 'open connection in the deploy agent'),
          });
        }
      }
      case 'counters': {
        const ex = executorFor(msg.key);
        if (!ex) return send(socket, { id: msg.id, ok: false, unknownKey: true, error: unknownKey(msg.key) });
        return send(socket, { id: msg.id, ok: true, counters: await ex.sharedCounters() });
      }
      case 'call': {
        const ex = executorFor(msg.key);
        if (!ex) return send(socket, { id: msg.id, ok: false, unknownKey: true, error: unknownKey(msg.key) });
        const call = { debug: msg.debug === true, lines: [] as string[] };
        inFlight++;
        try {
          const res = await calls.run(call, () => ex.execute(msg.req));
          send(socket, {
            id: msg.id,
            ok: true,
            res,
            counters: await ex.sharedCounters(),
            log: call.lines.length ? call.lines : undefined,
          });
        } catch (e) {
          send(socket, {
            id: msg.id,
            ok: false,
            error: recordOf(e, msg.req.operation, true),
            counters: await ex.sharedCounters(),
            log: call.lines.length ? call.lines : undefined,
          });
        } finally {
          inFlight--;
          lastActivity = now();
        }
        return;
      }
      case 'hook':
        return runHook(socketPeer(socket), msg);
      default:
        return send(socket, unknownType((msg as { id?: number }).id));
    }
  };

  /** A hook that came through the box: handled as a `hook` message on a socket is. */
  const onBoxHook = (peer: BoxPeer, msg: BoxHook): void => {
    if (closing || replaced) {
      peer.send(goingAway(msg.id));
      return peer.end();
    }
    lastActivity = now();
    void runHook(peer, msg).finally(() => peer.end());
  };

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    readLines(socket, (msg) => {
      void handle(socket, msg as AgentRequest);
    });
  });

  // Listen on a name of our own and link the shared name to it: Node unlinks a socket's path when its
  // server closes, and that must never be the shared name, which another agent may hold by then.
  const tmp = tempSocketPath(opts.dir);
  await listen(server, tmp);
  let ino: number;
  let box: HookBox | undefined;
  try {
    chmodSync(tmp, 0o600);
    ino = lstatSync(tmp).ino;
    // Before the name is claimed, so that a hook that finds this agent's socket finds its box too.
    box = openHookBox(path, ino, onBoxHook, log, MAX_LINE);
    await claimSocketName(tmp, path);
  } catch (e) {
    box?.close();
    await closeServer(server);
    throw e;
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // removed by the close above
    }
  }
  try {
    unlinkSync(spawnLockPath(opts.dir));
  } catch {
    // no start marker: started by hand
  }
  log(`okta-aerial agent ${process.pid} listening on ${path} (idle exit after ${idleMs} ms)`);

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));

  const stop = async (why: string): Promise<void> => {
    if (closing) return;
    closing = true;
    clearInterval(timer);
    log(`okta-aerial agent ${process.pid} stopping: ${why}`);
    // Only remove the socket file if it is still ours (a newer agent may have replaced it), and while this
    // agent still answers on it: once closed, another starter may find it dead and claim the name.
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (st && st.ino === ino) {
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
    }
    // Node calls the close callback only once every connection has ended, and hooks hold theirs: cut them
    // first, or this agent (and its limiter) would live on next to the one the next hook starts.
    const closed = closeServer(server);
    for (const s of sockets) s.destroy();
    box?.close();
    await closed;
    closeInProcess();
    resolveStopped();
  };

  // A rebuilt or upgraded package must not keep being served by this process's old code.
  const codeStamp = (): number | undefined => statSync(__filename, { throwIfNoEntry: false })?.mtimeMs;
  const startedCode = codeStamp();
  const timer = setInterval(
    () => {
      if (!replaced && codeStamp() !== startedCode) {
        const mine = lstatSync(path, { throwIfNoEntry: false });
        if (mine && mine.ino === ino) unlinkSync(path);
      }
      const st = lstatSync(path, { throwIfNoEntry: false });
      // Our socket file was removed or replaced: stop taking calls; exit once the current ones finish.
      if (!replaced && (!st || st.ino !== ino)) {
        replaced = true;
        server.close();
      }
      box?.tidy();
      if (inFlight === 0 && (replaced || now() - lastActivity >= idleMs))
        void stop(replaced ? 'socket replaced' : 'idle');
    },
    opts.checkMs ?? Math.min(1_000, Math.max(50, idleMs / 4)),
  );
  timer.unref();

  return { socketPath: path, stopped, close: () => stop('closed') };
}

/** A hook that came over a socket. */
function socketPeer(socket: Socket): HookPeer {
  return {
    send: (msg) => send(socket, msg),
    get gone() {
      return socket.destroyed;
    },
  };
}

/** A hook event without its id. */
type HookEventBody = HookEvent extends infer E ? (E extends unknown ? Omit<E, 'id'> : never) : never;

/** The reply to a message this agent does not know (a hook of another build, or no hook runner). */
function unknownType(id: number | undefined): AgentReply {
  const error = new AgentError({
    code: 'EPROTOCOL',
    operation: 'deploy agent request',
    reason: 'unknown message type',
    hint: 'The hook and the agent are of different builds; the agent exits when idle or rebuilt',
  });
  return { id: id ?? 0, ok: false, error: error.toRecord() };
}

/** The reply to a call a stopping agent did not run: safe for the hook to send again elsewhere. */
function goingAway(id: number | undefined): AgentReply {
  const error = new AgentError({
    code: 'EAGENTGONE',
    operation: 'deploy agent request',
    reason: 'the deploy agent is stopping; the call was not executed',
    hint: 'The hook sends it to the agent that serves the socket now',
  });
  return { id: id ?? 0, ok: false, goingAway: true, error: error.toRecord() };
}

function unknownKey(key: string): ErrorRecord {
  return new AgentError({
    code: 'EUNKNOWNCONN',
    operation: `call for connection ${key.slice(0, 8)}`,
    reason: 'connection not opened',
    hint: 'The hook sends an open before its first call; run again',
  }).toRecord();
}

/**
 * The record of what a call or an open in the agent failed with: the client's own errors as they are; anything
 * else is a failure of the agent itself (redacted, for its message could quote anything).
 */
function recordOf(e: unknown, operation: string, mayHaveRun = false): ErrorRecord {
  if (e instanceof OktaAerialError) return e.toRecord();
  return new AgentError({
    code: 'EAGENTINTERNAL',
    operation,
    reason: `the deploy agent failed: ${redact(e instanceof Error ? e.message : String(e))}`,
    mayHaveRun,
  }).toRecord();
}
