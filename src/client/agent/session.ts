/**
 * A hook's connection to the deploy agent: numbered messages and their replies over the socket. A message
 * ends in a {@link Delivery} that says what happened to it, so the caller can tell a call that surely did
 * not run (send it again, to a new agent if need be) from one that may have run.
 */
import { lstatSync, unlinkSync, type Stats } from 'node:fs';
import type { Socket } from 'node:net';
import { errorFromRecord } from '../errors/wire';
import type { ClientLogger } from '../log/debug-log';
import type { ClientOptions, ConnectionRef, Executor } from '../types';
import { AgentExecutor } from './agent-executor';
import { PROTOCOL, readLines, send, type AgentReply, type AgentRequest } from './protocol';

/**
 * How long the first message to an agent may take. A live agent answers it at once (it only opens a
 * client); one that does not is stopped (SIGSTOP) or wedged, and is replaced.
 */
export const OPEN_TIMEOUT_MS = 10_000;

/** A call that surely did not run: nothing was written, or the agent answered that it is stopping. */
export interface NotSent {
  readonly kind: 'not-sent';
  readonly why: string;
}

/** A call written to an agent that went away before it replied: it may have run. */
export interface Lost {
  readonly kind: 'lost';
  readonly why: string;
}

/** How one message to the agent ended. */
export type Delivery =
  | { readonly kind: 'reply'; readonly reply: AgentReply }
  | NotSent
  | Lost
  /** Written, and no reply in time. */
  | { readonly kind: 'silent'; readonly why: string };

/** A request without its id (the session numbers them). */
export type AgentRequestBody = AgentRequest extends infer R
  ? R extends unknown
    ? Omit<R, 'id'>
    : never
  : never;

/** A connection to the deploy agent shared by every client of this process. */
export interface AgentSession {
  executor(ref: ConnectionRef, key: string, options: ClientOptions): Executor;
  close(): Promise<void>;
}

/** What a session needs from the hook. */
export interface SessionOptions {
  readonly log: ClientLogger;
  /** A fresh session after the agent went away (restarting it). */
  readonly reconnect: () => Promise<Session>;
}

/** A hook says once that it replaced a silent agent. */
let warnedWedged = false;

/** One socket to the agent; its messages, and what to do when the agent goes away. */
export class Session implements AgentSession {
  private nextId = 1;
  private readonly pending = new Map<number, (d: Delivery) => void>();
  private readonly opened = new Set<string>();
  private lost = false;
  private replacement?: Promise<Session | undefined>;

  constructor(
    private readonly socket: Socket,
    private readonly opts: SessionOptions,
    /** The shared socket name and the file it named when this session connected. */
    private readonly at: { readonly path: string; readonly inode?: Stats['ino'] },
  ) {
    socket.unref();
    readLines(socket, (msg) => {
      const reply = msg as AgentReply;
      const settle = this.pending.get(reply.id);
      if (!settle) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) socket.unref();
      if (!reply.ok && reply.goingAway) {
        // Replies to calls still running there will come; new calls go to the agent that serves the socket now.
        this.lost = true;
        return settle({ kind: 'not-sent', why: 'the deploy agent is stopping and did not run the call' });
      }
      settle({ kind: 'reply', reply });
    });
    const fail = (): void => {
      this.lost = true;
      for (const settle of this.pending.values())
        settle({ kind: 'lost', why: 'the deploy agent closed the connection' });
      this.pending.clear();
    };
    socket.on('close', fail);
    socket.on('error', fail);
  }

  /**
   * Sends one message and waits for what becomes of it. The agent enforces each operation's deadline itself;
   * the hook's own timer (a little longer) only guards against an agent that stopped answering altogether.
   */
  request(msg: AgentRequestBody, timeoutMs = 10_000): Promise<Delivery> {
    // Nothing is written on a session known to be gone: the caller renews it and sends the call there.
    if (this.lost || this.socket.destroyed) {
      this.lost = true;
      return Promise.resolve({ kind: 'not-sent', why: 'the deploy agent connection is closed' });
    }
    const id = this.nextId++;
    return new Promise<Delivery>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        if (this.pending.size === 0) this.socket.unref();
        resolve({ kind: 'silent', why: `the deploy agent did not answer within ${timeoutMs} ms` });
      }, timeoutMs);
      timer.unref();
      this.pending.set(id, (d) => {
        clearTimeout(timer);
        resolve(d);
      });
      // Keep the process alive only while calls are in flight, so an idle hook exits at once.
      this.socket.ref();
      send(this.socket, { ...msg, id } as AgentRequest);
    });
  }

  /** Registers a connection with the agent once per session (and per `maxConcurrency`). */
  async ensureOpen(key: string, ref: ConnectionRef): Promise<{ readonly kind: 'open' } | NotSent> {
    // Clients with the same credentials share the key; each maxConcurrency must still reach the agent.
    const opened = `${key} ${ref.conn.maxConcurrency ?? ''}`;
    if (this.opened.has(opened)) return OPEN;
    const d = await this.request({ t: 'open', key, ref }, OPEN_TIMEOUT_MS);
    // Only the open was written, never the call: a lost agent here is a call not sent.
    if (d.kind === 'lost') return { kind: 'not-sent', why: d.why };
    if (d.kind === 'silent') return this.replaceWedged();
    if (d.kind === 'not-sent') return d;
    if (!d.reply.ok) throw errorFromRecord(d.reply.error);
    if (d.reply.protocol !== PROTOCOL) {
      // An agent of another build: treat it as gone, so this process restarts or falls back.
      this.lost = true;
      this.socket.destroy();
      return {
        kind: 'not-sent',
        why: `the deploy agent speaks protocol ${d.reply.protocol ?? 'unknown'}, not ${PROTOCOL}`,
      };
    }
    this.opened.add(opened);
    return OPEN;
  }

  /**
   * The agent took the connection but does not answer (stopped, or wedged): free the shared socket name
   * (only if it still names that agent's socket) so the renewal starts a new agent. The old agent, if it
   * ever runs again, sees its name taken and takes no new call.
   */
  private replaceWedged(): NotSent {
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
    return { kind: 'not-sent', why: 'the deploy agent did not answer; replaced' };
  }

  /** A fresh session after the agent went away (restarting it), or undefined when that fails. */
  renew(): Promise<Session | undefined> {
    this.replacement ??= this.opts.reconnect().then(
      (s) => s,
      () => undefined,
    );
    return this.replacement;
  }

  executor(ref: ConnectionRef, key: string, options: ClientOptions): Executor {
    return new AgentExecutor(this, ref, key, options);
  }

  get log(): ClientLogger {
    return this.opts.log;
  }

  async close(): Promise<void> {
    this.lost = true;
    this.socket.end();
    this.socket.destroy();
    const r = this.replacement && (await this.replacement);
    await r?.close();
  }
}

const OPEN = { kind: 'open' } as const;
