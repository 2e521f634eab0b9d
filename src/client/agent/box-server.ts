/**
 * The agent's side of its hook box (hook-box.ts): it makes the box, reads the hooks' requests from its FIFO,
 * and hands each to the agent with a {@link BoxPeer} through which the agent answers, as it answers a hook
 * over the socket. A box that cannot be made (no `mkfifo`) is only logged: hooks then find no box and take
 * the full path, which talks to the agent over its socket.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  constants,
  mkdirSync,
  openSync,
  readdirSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import {
  BOX_CLOSED,
  BOX_ID,
  BOX_IN,
  BOX_PID,
  boxAgentPid,
  boxOutPath,
  boxPath,
  BoxRequests,
  processAlive,
} from './hook-box';
import { AgentError } from '../errors/agent-error';
import type { AgentReply, AgentRequest, HookEvent } from './protocol';

/** Where a hook run in the agent sends its events and reply: its socket, or its `.out` in the box. */
export interface HookPeer {
  send(msg: AgentReply | HookEvent): void;
  /** The hook process can no longer see what is sent (its socket closed; it exited). */
  readonly gone: boolean;
}

/** A hook that came through the box. */
export class BoxPeer implements HookPeer {
  private closed = false;

  constructor(
    private readonly fd: number,
    private readonly pid: number,
    private readonly onEnd: (peer: BoxPeer) => void,
  ) {}

  send(msg: AgentReply | HookEvent | typeof BOX_CLOSED): void {
    if (this.closed) return;
    try {
      writeSync(this.fd, `${JSON.stringify(msg)}\n`);
    } catch {
      this.closed = true; // the box is gone, or the disk is full: the hook sees nothing more, as if closed
    }
  }

  get gone(): boolean {
    return this.closed || !processAlive(this.pid);
  }

  /** The agent stops while the hook runs: tell the hook, as a closed socket would, and send nothing more. */
  close(): void {
    this.send(BOX_CLOSED);
    this.closed = true;
  }

  /** The hook's run is over. */
  end(): void {
    this.closed = true;
    try {
      closeSync(this.fd);
    } catch {
      // closed already
    }
    this.onEnd(this);
  }
}

/** A hook request read from the box. */
export type BoxHook = Extract<AgentRequest, { t: 'hook' }> & { readonly pid: number };

/** The agent's open box. */
export interface HookBox {
  readonly path: string;
  /** Housekeeping for the agent's timer: drops unfinished requests and the files of hooks that died. */
  tidy(now: number): void;
  /** Tells the running hooks the agent is going, stops reading, and removes the box. */
  close(): void;
}

/** How long an unfinished request is kept (a hook writes its lines at once). */
const UNFINISHED_MS = 10_000;

/**
 * Opens the box of the agent whose socket `socketPath` has inode `ino`, and calls `onHook` for each request.
 * Removes the boxes of agents that died (their pid is gone) beside it first.
 */
export function openHookBox(
  socketPath: string,
  ino: number,
  onHook: (peer: BoxPeer, msg: BoxHook) => void,
  log: (line: string) => void,
  maxBytes: number,
): HookBox | undefined {
  const path = boxPath(socketPath, ino);
  removeDeadBoxes(dirname(socketPath));
  rmSync(path, { recursive: true, force: true });
  mkdirSync(path, { mode: 0o700 });
  const fifo = join(path, BOX_IN);
  const made = spawnSync('mkfifo', ['-m', '600', fifo], { stdio: 'ignore' });
  if (made.status !== 0) {
    rmSync(path, { recursive: true, force: true });
    log(`okta-aerial agent ${process.pid}: no hook box (mkfifo failed); hooks take the full path`);
    return undefined;
  }
  const peers = new Set<BoxPeer>();
  const requests = new BoxRequests((id, json) => {
    let msg: BoxHook | undefined;
    let fd: number;
    try {
      if (json !== undefined) msg = JSON.parse(json) as BoxHook;
      if (msg && (msg.t !== 'hook' || !Number.isInteger(msg.pid))) return;
      fd = openSync(boxOutPath(path, id), constants.O_WRONLY | constants.O_APPEND);
    } catch {
      return; // not a request of this build, or its hook has gone and taken its file with it
    }
    const peer = new BoxPeer(fd, msg?.pid ?? 0, (p) => peers.delete(p));
    if (!msg) {
      // Too long to take, as a socket line would be: the hook runs itself.
      peer.send(tooLong());
      return peer.end();
    }
    peers.add(peer);
    onHook(peer, msg);
  }, maxBytes);
  // Read and write: the FIFO then always has a writer, so it never reports an end between hooks.
  const stream = new Socket({ fd: openSync(fifo, constants.O_RDWR), readable: true, writable: false });
  stream.on('data', (chunk: Buffer) => requests.push(chunk));
  stream.on('error', (e) => log(`okta-aerial agent ${process.pid}: hook box: ${e.message}`));
  // Last: a hook uses the box only once it names the agent's pid.
  writeFileSync(join(path, BOX_PID), String(process.pid), { mode: 0o600 });
  return {
    path,
    tidy(now) {
      requests.prune(now - UNFINISHED_MS);
      let names: string[];
      try {
        names = readdirSync(path);
      } catch {
        return;
      }
      for (const name of names) {
        const id = name.endsWith('.out') ? name.slice(0, -4) : '';
        const pid = Number(id.split('.')[0]);
        if (BOX_ID.test(id) && pid > 0 && !processAlive(pid)) {
          try {
            unlinkSync(join(path, name));
          } catch {
            // removed by its hook meanwhile
          }
        }
      }
    },
    close() {
      for (const peer of peers) peer.close();
      stream.destroy();
      rmSync(path, { recursive: true, force: true });
    },
  };
}

/** The reply to a request too long for the box: not run, so the hook takes the full path. */
function tooLong(): AgentReply {
  const error = new AgentError({
    code: 'EPROTOCOL',
    operation: 'deploy agent request',
    reason: 'the hook request is too long for the hook box; the hook runs itself',
  });
  return { id: 1, ok: false, error: error.toRecord() };
}

/** Removes boxes in `dir` whose agent has died (SIGKILL leaves its box behind). */
function removeDeadBoxes(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.endsWith('.box')) continue;
    const box = join(dir, name);
    const pid = boxAgentPid(box);
    if (pid !== undefined && pid !== process.pid && !processAlive(pid))
      rmSync(box, { recursive: true, force: true });
  }
}
