/**
 * The agent's side of its hook box (hook-box.ts): it makes the box, reads the hooks' requests from its FIFO,
 * and hands each to the agent with a {@link BoxPeer} through which the agent answers, as it answers a hook
 * over the socket. A box that cannot be made (no `mkfifo`, say) is only logged: hooks then find no box and take
 * the full path, which talks to the agent over its socket.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  constants,
  lstatSync,
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
  unlinked,
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
  /**
   * Whether the hook's pid is one this agent can see: not when the hook runs in another pid namespace (a
   * container sharing the folder), where only its `.out` tells.
   */
  private readonly pidVisible: boolean;

  constructor(
    readonly id: string,
    private readonly fd: number,
    private readonly pid: number,
    private readonly onEnd: (peer: BoxPeer) => void,
  ) {
    this.pidVisible = pid > 0 && processAlive(pid);
  }

  send(msg: AgentReply | HookEvent | typeof BOX_CLOSED): void {
    if (this.closed) return;
    const line = Buffer.from(`${JSON.stringify(msg)}\n`);
    try {
      if (writeSync(this.fd, line) !== line.length) this.closed = true;
    } catch {
      this.closed = true;
    }
    // Cut short (a full disk) or refused: the hook could read a torn line; it sees nothing more, as if closed.
  }

  /** The hook is done with its `.out` (it removed it), has exited, or can no longer be written to. */
  get gone(): boolean {
    return this.closed || unlinked(this.fd) || (this.pidVisible && !processAlive(this.pid));
  }

  /** The agent stops while the hook runs: tell the hook, as a closed socket would, and send nothing more. */
  close(): void {
    this.send(BOX_CLOSED);
    this.closed = true;
  }

  /** The hook's run is over. */
  end(): void {
    this.closed = true;
    closeQuietly(this.fd);
    this.onEnd(this);
  }
}

/** A hook request read from the box. */
export type BoxHook = Extract<AgentRequest, { t: 'hook' }> & { readonly pid: number };

/** The agent's open box. */
export interface HookBox {
  readonly path: string;
  /** Housekeeping for the agent's timer: drops unfinished requests and the files of hooks that died. */
  tidy(): void;
  /** Tells the running hooks the agent is going, stops reading, and removes the box. */
  close(): void;
}

/** How long an unfinished request is kept (a hook writes its lines at once). */
const UNFINISHED_MS = 10_000;

/** How old the `.out` of a hook that is not running here must be before it is removed with its dead hook. */
const STALE_OUT_MS = 60_000;

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
  let fifoFd: number | undefined;
  try {
    removeDeadBoxes(dirname(socketPath));
    rmSync(path, { recursive: true, force: true });
    mkdirSync(path, { mode: 0o700 });
    const fifo = join(path, BOX_IN);
    const made = spawnSync('mkfifo', ['-m', '600', fifo], { stdio: 'ignore' });
    if (made.status !== 0 || !lstatSync(fifo).isFIFO()) throw new Error('mkfifo failed');
    // Read and write: the FIFO then always has a writer, so it never reports an end between hooks.
    fifoFd = openSync(fifo, constants.O_RDWR);
    const box = serveBox(path, fifoFd, onHook, log, maxBytes);
    // Last: from here on another agent takes the box for a live one.
    writeFileSync(join(path, BOX_PID), String(process.pid), { mode: 0o600 });
    return box;
  } catch (e) {
    if (fifoFd !== undefined) closeQuietly(fifoFd);
    rmSync(path, { recursive: true, force: true });
    log(
      `okta-aerial agent ${process.pid}: no hook box (${e instanceof Error ? e.message : String(e)}); ` +
        'hooks take the full path',
    );
    return undefined;
  }
}

/** Reads the requests of the box at `path` from its FIFO (open at `fifoFd`). */
function serveBox(
  path: string,
  fifoFd: number,
  onHook: (peer: BoxPeer, msg: BoxHook) => void,
  log: (line: string) => void,
  maxBytes: number,
): HookBox {
  const peers = new Map<string, BoxPeer>();
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
    const peer = new BoxPeer(id, fd, msg?.pid ?? 0, (p) => peers.delete(p.id));
    if (!msg) {
      // Too long to take, as a socket line would be: the hook runs itself.
      peer.send(tooLong());
      return peer.end();
    }
    peers.set(id, peer);
    onHook(peer, msg);
  }, maxBytes);
  const stream = new Socket({ fd: fifoFd, readable: true, writable: false });
  stream.on('data', (chunk: Buffer) => requests.push(chunk));
  stream.on('error', (e) => log(`okta-aerial agent ${process.pid}: hook box: ${e.message}`));
  return {
    path,
    tidy() {
      const now = Date.now();
      requests.prune(now - UNFINISHED_MS);
      for (const name of namesIn(path)) {
        const id = name.endsWith('.out') ? name.slice(0, -4) : '';
        const pid = Number(id.split('.')[0]);
        if (!BOX_ID.test(id) || peers.has(id) || !(pid > 0) || processAlive(pid)) continue;
        try {
          const file = join(path, name);
          if (now - lstatSync(file).mtimeMs >= STALE_OUT_MS) unlinkSync(file);
        } catch {
          // removed by its hook meanwhile
        }
      }
    },
    close() {
      for (const peer of peers.values()) peer.close();
      stream.destroy();
      rmSync(path, { recursive: true, force: true });
    },
  };
}

/** The names in folder `dir`; none when it is gone. */
function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // closed already
  }
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
  for (const name of namesIn(dir)) {
    if (!name.endsWith('.box')) continue;
    const box = join(dir, name);
    const pid = boxAgentPid(box);
    if (pid !== undefined && pid !== process.pid && !processAlive(pid))
      rmSync(box, { recursive: true, force: true });
  }
}
