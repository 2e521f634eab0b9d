/**
 * The hook box: how a thin hook process (src/hook/thin-hook.ts) hands its hook to the deploy agent without
 * a socket. Loading node:net and connecting cost a hook process about a quarter of a bare `node -e 0` here,
 * more than everything else it does; the box needs only node:fs, whose calls are synchronous, so the hook
 * runs no event loop at all. Each agent keeps one box, a private folder beside its socket named after the
 * socket's inode (so a hook finds the box of the agent that holds the socket name now), holding:
 *
 * - `in`, a FIFO the agent reads: the hook writes its request (the socket protocol's `hook` message, plus its
 *   pid) in {@link PIPE_ATOMIC}-byte lines `<id> <+|.> <bytes>\n`, which the kernel never interleaves with
 *   another writer's, `.` marking the last. A FIFO keeps the request (credentials included) in memory: it is
 *   never written to disk.
 * - `pid`: the agent's pid, so that another agent can remove the box of one that died (SIGKILL).
 * - `<id>.out`, one per hook, created by the hook before it writes its request: the agent appends what it
 *   sends for the hook (the socket protocol's events and reply, one JSON line each, never a secret: it is
 *   the hook's output) and, when it stops meanwhile, {@link BOX_CLOSED}, which means what a closed socket
 *   means. The hook reads it as it grows and removes it.
 *
 * Each side tells that the other has gone without a socket's close: a hook, by the FIFO having no reader
 * (its agent stopped or died) or by its `.out` having been removed (the box went with its agent); the agent,
 * by the hook's `.out` having been removed (the hook is done with it) or by the hook's pid being gone.
 *
 * This module holds what both sides must agree on, and loads nothing but node:fs and node:path.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** The box of the agent whose socket (at `socketPath`, ending in `.sock`) has inode `ino`. */
export function boxPath(socketPath: string, ino: number): string {
  return `${socketPath.replace(/\.sock$/, '')}.${ino}.box`;
}

/** The FIFO the agent reads requests from. */
export const BOX_IN = 'in';

/** The file holding the agent's pid. */
export const BOX_PID = 'pid';

/** Where the agent writes what it sends for the hook `id`. */
export function boxOutPath(box: string, id: string): string {
  return join(box, `${id}.out`);
}

/** A hook's id in its box: letters, digits and dots (its pid and a random part). */
export const BOX_ID = /^[0-9a-z.]{1,40}$/;

/**
 * The longest write the kernel keeps whole when several processes write one FIFO: POSIX's PIPE_BUF is at
 * least 512 bytes (4096 on Linux, 512 on macOS).
 */
export const PIPE_ATOMIC = 512;

/** What the agent appends to a hook's `.out` when it stops while the hook runs: as if the socket closed. */
export const BOX_CLOSED = { closed: true } as const;

/** The agent's pid as its box says, or undefined when there is no box. */
export function boxAgentPid(box: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(box, BOX_PID), 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether an agent reads the box's FIFO: false once it has stopped or died (a process's descriptors close
 * when it exits, even while it waits as a zombie for its parent, which checking its pid would not tell).
 */
export function boxRead(box: string): boolean {
  try {
    closeSync(openSync(join(box, BOX_IN), constants.O_WRONLY | constants.O_NONBLOCK));
    return true;
  } catch {
    return false;
  }
}

/** Whether process `pid` is alive (EPERM: alive, another user's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Milliseconds on a clock that only goes forward (a laptop's sleep or an NTP step does not move it). */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Whether the file open at `fd` has been removed (its last name unlinked). */
export function unlinked(fd: number): boolean {
  try {
    return fstatSync(fd).nlink === 0;
  } catch {
    return true;
  }
}

/** What {@link PAUSE} is for: a thread that only sleeps (nothing ever wakes it). */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** Sleeps the thread for `ms` (fractions allowed): for a synchronous process that waits on a file or pipe. */
export function pauseMs(ms: number): void {
  Atomics.wait(PAUSE, 0, 0, ms);
}

/** What {@link sendToBox} did: sent; nothing sent (no agent reads the box); or stuck on a full FIFO. */
export type BoxSend = 'sent' | 'none' | 'stuck';

/**
 * Writes the request `json` of hook `id` into the box's FIFO. 'none' when no agent reads it (ENXIO, EPIPE:
 * it died) or there is no FIFO; the agent then has none of it or an unfinished part, which it drops. A full
 * FIFO (EAGAIN) is waited for, 1 ms at a time, for at most `waitMs`: an agent that does not read (stopped,
 * or wedged) leaves it full, and then the request is 'stuck' unfinished, which the agent never runs.
 */
export function sendToBox(box: string, id: string, json: string, waitMs: number): BoxSend {
  let fd: number;
  try {
    fd = openSync(join(box, BOX_IN), constants.O_WRONLY | constants.O_NONBLOCK);
  } catch {
    return 'none';
  }
  try {
    // Only ever into a FIFO: what a hook sends holds credentials, which must not land in a file.
    if (!fstatSync(fd).isFIFO()) return 'none';
    const body = Buffer.from(json);
    const room = PIPE_ATOMIC - Buffer.byteLength(`${id} + \n`);
    const until = monotonicMs() + waitMs;
    for (let at = 0; ; at += room) {
      const last = at + room >= body.length;
      const line = Buffer.concat([
        Buffer.from(`${id} ${last ? '.' : '+'} `),
        body.subarray(at, at + room),
        Buffer.from('\n'),
      ]);
      for (;;) {
        try {
          writeSync(fd, line); // whole or not at all: it is no longer than PIPE_BUF
          break;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') return 'none';
          if (monotonicMs() >= until) return 'stuck';
          pauseMs(1);
        }
      }
      if (last) return 'sent';
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The agent's side of the FIFO: reassembles each hook's request from its lines, and calls `onRequest` with
 * it, or with undefined for a request longer than `maxBytes` (whose lines it drops).
 */
export class BoxRequests {
  private readonly parts = new Map<string, { bufs: Buffer[]; bytes: number; since: number }>();
  /** Requests being dropped for their length, with when that began. */
  private readonly tooLong = new Map<string, number>();
  private rest = Buffer.alloc(0);

  constructor(
    private readonly onRequest: (id: string, json: string | undefined) => void,
    private readonly maxBytes: number,
  ) {}

  /** Feeds bytes read from the FIFO. */
  push(chunk: Buffer, now = Date.now()): void {
    let data = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    let nl: number;
    while ((nl = data.indexOf(0x0a)) >= 0) {
      this.line(data.subarray(0, nl), now);
      data = data.subarray(nl + 1);
    }
    // A line is at most PIPE_ATOMIC bytes; anything longer is not from a hook of this build.
    this.rest = data.length >= PIPE_ATOMIC ? Buffer.alloc(0) : Buffer.from(data);
  }

  /** Drops requests left unfinished since before `before` (a hook that died while writing). */
  prune(before: number): void {
    for (const [id, p] of this.parts) if (p.since < before) this.parts.delete(id);
    for (const [id, since] of this.tooLong) if (since < before) this.tooLong.delete(id);
  }

  private line(line: Buffer, now: number): void {
    const sp = line.indexOf(0x20);
    const id = line.subarray(0, sp).toString('latin1');
    const mark = line[sp + 1];
    if (line.length >= PIPE_ATOMIC || sp < 0 || !BOX_ID.test(id) || line[sp + 2] !== 0x20) return;
    if (mark !== 0x2b && mark !== 0x2e) return;
    if (this.tooLong.has(id)) {
      if (mark === 0x2e) this.tooLong.delete(id);
      return;
    }
    const p = this.parts.get(id) ?? { bufs: [], bytes: 0, since: now };
    const body = line.subarray(sp + 3);
    p.bufs.push(Buffer.from(body));
    p.bytes += body.length;
    if (p.bytes > this.maxBytes) {
      this.parts.delete(id);
      if (mark === 0x2b) this.tooLong.set(id, now);
      this.onRequest(id, undefined);
      return;
    }
    if (mark === 0x2b) {
      this.parts.set(id, p);
      return;
    }
    this.parts.delete(id);
    this.onRequest(id, Buffer.concat(p.bufs).toString('utf8'));
  }
}
