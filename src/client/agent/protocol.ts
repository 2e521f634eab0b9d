/**
 * The deploy agent's wire protocol: one JSON object per line over a private Unix socket.
 * Hook → agent: `open` (register a connection, secrets included, once per socket), `call`, `counters`, or
 * `hook` (run a whole lifecycle hook in the agent: the thin hook path, see src/hook/thin-hook.ts).
 * Agent → hook: `{ id, ok, ... }` replies, and for a `hook` the {@link HookEvent}s before its reply. Errors
 * travel as {@link ErrorRecord}s and are rebuilt by the same factory on the hook side, so they read the same
 * as in-process errors.
 */
import { connect, type Socket } from 'node:net';
import type { ErrorRecord } from '../errors/wire';
import type { ApiRequest, ApiResponse, ClientCounters, ConnectionRef } from '../types';

/** Connects to the socket at `path`: the connected socket, or undefined when nobody answers there. */
export function dial(path: string): Promise<Socket | undefined> {
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

/** Bumped on any incompatible change; a hook and an agent of different protocols do not talk. */
export const PROTOCOL = 3;

/** Messages a hook sends. */
export type AgentRequest =
  | { readonly id: number; readonly t: 'open'; readonly key: string; readonly ref: ConnectionRef }
  | {
      readonly id: number;
      readonly t: 'call';
      readonly key: string;
      readonly req: ApiRequest;
      readonly debug?: boolean;
    }
  | { readonly id: number; readonly t: 'counters'; readonly key: string }
  | { readonly id: number; readonly t: 'ping' }
  | {
      readonly id: number;
      readonly t: 'hook';
      /** `apply` or `destroy`. */
      readonly action: string;
      /**
       * The hook's environment as far as the hook needs it: the spec (and key), the debug switch and the
       * variables the spec names (credentials). Used for this hook only, never kept.
       */
      readonly env: Readonly<Record<string, string>>;
    };

/**
 * What the agent reports while it runs a `hook`, before the reply `{ id, ok: true, exit }`: the hook's
 * output, and each API call as it starts and ends, with what the hook prints if the agent goes away
 * (`ifLost`, POSTs only: such a call may have run) or stops answering (`ifSilent`, after `ms`) meanwhile.
 */
export type HookEvent =
  | { readonly id: number; readonly ev: 'start' }
  | { readonly id: number; readonly ev: 'out' | 'err'; readonly text: string }
  | {
      readonly id: number;
      readonly ev: 'call';
      readonly n: number;
      readonly ms: number;
      readonly ifLost?: string;
      readonly ifSilent: string;
    }
  | { readonly id: number; readonly ev: 'called'; readonly n: number };

/** Replies of the agent. */
export type AgentReply =
  | {
      readonly id: number;
      readonly ok: true;
      readonly res?: ApiResponse;
      readonly counters?: ClientCounters;
      readonly log?: string[];
      readonly pid?: number;
      readonly protocol?: number;
      /** The exit code of a `hook`. */
      readonly exit?: number;
    }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: ErrorRecord;
      readonly counters?: ClientCounters;
      readonly log?: string[];
      readonly unknownKey?: boolean;
      /** The agent is stopping and did not run the request; the hook may send it again to a new agent. */
      readonly goingAway?: boolean;
    };

/** Largest accepted line, so a confused peer cannot make the other side buffer without end. */
export const MAX_LINE = 8 * 1024 * 1024;

/** Calls `onMessage` with each JSON line received on the socket. */
export function readLines(socket: Socket, onMessage: (msg: unknown) => void): void {
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    if (buffer.length > MAX_LINE) {
      socket.destroy(new Error('agent message too large'));
      return;
    }
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (!line.trim()) continue;
      let msg: unknown;
      try {
        msg = JSON.parse(line);
      } catch {
        socket.destroy(new Error('agent protocol error: a line is not JSON'));
        return;
      }
      onMessage(msg);
    }
  });
}

/** Sends one message. */
export function send(socket: Socket, msg: AgentRequest | AgentReply | HookEvent): void {
  if (!socket.destroyed) socket.write(`${JSON.stringify(msg)}\n`);
}
