/**
 * The thin hook path: what a hook process (`okta-aerial hook apply|destroy`, run by Terraform) does first.
 * It loads next to nothing (node built-ins, the variable names, the package version and the hook box's
 * wire), writes its action, its spec and the environment variables the spec names into the running deploy
 * agent's hook box (src/client/agent/hook-box.ts), and prints what the agent writes back while it runs the
 * hook's handler (src/hook/agent-hooks.ts). It is synchronous from start to end: no socket, no event loop.
 * The output and exit code are those of the full path (src/cli/hook-command.ts).
 *
 * It takes the full path in its own process instead when the agent is off (OKTA_AERIAL_NO_AGENT=1), when
 * no agent answers yet (the full path starts one), when the agent folder is not private (the full path
 * warns), when the agent is stopping, or when the agent goes away or goes silent while no POST of this
 * hook is in flight: every call before was a read or an idempotent PUT, and handlers read before they
 * write, so running the hook again converges. If a POST may have run, it fails as a hook whose agent went
 * away mid-POST does today (a retryable network error: the next deploy re-reads first).
 */
import { closeSync, lstatSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { agentName } from '../client/agent/network-env';
import {
  boxOutPath,
  boxPath,
  boxRead,
  monotonicMs,
  pauseMs,
  sendToBox,
  unlinked,
  type BOX_CLOSED,
} from '../client/agent/hook-box';
import type { AgentReply, HookEvent } from '../client/agent/protocol';
import { ENV } from '../common/env';
import { parseSpecJson } from '../common/spec-json';

/** How long the agent may take to say anything while no call is in flight (session.ts OPEN_TIMEOUT_MS). */
export const ANSWER_TIMEOUT_MS = 10_000;

/** The longest Unix socket path that works everywhere (paths.ts MAX_SOCKET_PATH_BYTES). */
export const MAX_SOCKET_BYTES = 103;

/**
 * A hook command may move NODE_EXTRA_CA_CERTS aside into this variable, so that Node does not parse the CA
 * bundle at the start of every hook process (the thin path does no TLS). Whatever needs TLS gets it back:
 * the full path runs in a child process with NODE_EXTRA_CA_CERTS restored, and so does the agent it starts.
 */
export const CA_CERTS_ASIDE = ENV.caCertsAside;

/** Where a hook sends its output. */
export interface ThinOutput {
  out(text: string): void;
  err(text: string): void;
}

/** What the agent appends when it stops while the hook runs. */
type BoxClosed = typeof BOX_CLOSED;

/**
 * Writes a hook's output straight to its file descriptor: process.stdout and process.stderr build a stream
 * over the pipe Terraform reads, which costs a hook process about 2 ms, a twentieth of a bare Node start.
 * Writes stay synchronous and in order on both descriptors (Terraform hands one pipe as both): a full
 * non-blocking pipe (EAGAIN) is waited for, 1 ms at a time, as a blocking pipe would block. Only if the
 * descriptor fails otherwise (closed, or a reader gone) does the rest of the output go to `stream()`, which
 * reports that as process.stdout would. While Terraform does not read, the hook waits, as any writer does.
 */
export function descriptorWriter(
  fd: number,
  stream: () => { write(chunk: Uint8Array): unknown },
): (text: string) => void {
  let streamed = false;
  return (text) => {
    const bytes = Buffer.from(text);
    let written = 0;
    while (!streamed && written < bytes.length) {
      try {
        written += writeSync(fd, bytes, written);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') pauseMs(1);
        else streamed = true;
      }
    }
    if (written < bytes.length) stream().write(bytes.subarray(written));
  };
}

const PROCESS_OUTPUT: ThinOutput = {
  out: descriptorWriter(1, () => process.stdout),
  err: descriptorWriter(2, () => process.stderr),
};

/**
 * Entry point of `okta-aerial hook ...` (bin/okta-aerial.js): the thin path if it can be taken, else
 * `full()` (the CLI), in a child process with NODE_EXTRA_CA_CERTS restored if it was moved aside.
 */
export function hookMain(
  argv: readonly string[],
  full: () => void,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const action = argv[1];
  const thin = argv.length === 2 && (action === 'apply' || action === 'destroy') && env[ENV.noAgent] !== '1';
  (thin ? runThinHook(action, env) : Promise.resolve(undefined)).then(
    (code) => {
      if (code !== undefined) process.exitCode = code;
      else if (env[CA_CERTS_ASIDE] && !env.NODE_EXTRA_CA_CERTS) withCaCerts(argv, env, env[CA_CERTS_ASIDE]);
      else full();
    },
    () => full(),
  );
}

/** Runs this hook again in a child process whose NODE_EXTRA_CA_CERTS is restored; exits as it exits. */
function withCaCerts(argv: readonly string[], env: NodeJS.ProcessEnv, ca: string): void {
  const childEnv: NodeJS.ProcessEnv = { ...env, NODE_EXTRA_CA_CERTS: ca };
  delete childEnv[CA_CERTS_ASIDE];
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...argv], {
    stdio: 'inherit',
    env: childEnv,
  });
  child.on('error', (e) => {
    process.stderr.write(`okta-aerial: ${e.message}\n`);
    process.exitCode = 1;
  });
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    process.exitCode = code ?? 1;
  });
}

/** The agent's socket as the agent names it (paths.ts), if its folder is private to this user. */
function agentSocket(env: NodeJS.ProcessEnv): { path: string; ino: number } | undefined {
  const dir = resolve(env[ENV.agentDir] || join(tmpdir(), `okta-aerial-${process.getuid?.() ?? 'user'}`));
  const st = lstatSync(dir, { throwIfNoEntry: false });
  const uid = process.getuid?.();
  if (!st?.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0)
    return undefined;
  const path = join(dir, `${agentName(env)}.sock`);
  if (Buffer.byteLength(path) > MAX_SOCKET_BYTES) return undefined;
  const sock = lstatSync(path, { throwIfNoEntry: false });
  return sock?.isSocket() ? { path, ino: sock.ino } : undefined;
}

/** The agent socket of this environment, for tests: the full path must find the same. */
export function thinAgentSocket(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return agentSocket(env)?.path;
}

/** The hook box of this environment's agent, for the benchmark's floor (bench/agent-floor.js). */
export function thinAgentBox(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const at = agentSocket(env);
  return at && boxPath(at.path, at.ino);
}

/** The names of the environment variables a spec names (the values of its `...Env` fields). */
function namedVariables(raw: string | undefined, names: Set<string>): void {
  if (!raw) return;
  let value: unknown;
  try {
    value = parseSpecJson(raw);
  } catch {
    return; // the agent reports the bad spec as the full path would
  }
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k.endsWith('Env') && typeof x === 'string') names.add(x);
        else walk(x);
      }
    }
  };
  walk(value);
}

/** What the agent needs of the hook's environment: the spec, the debug switch, the variables the spec names. */
export function hookEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const names = new Set<string>([ENV.spec, ENV.specKey, ENV.debug, ENV.endpointUrl]);
  namedVariables(env[ENV.spec], names);
  namedVariables(env[ENV.specKey], names);
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = env[name];
    if (value !== undefined) picked[name] = value;
  }
  // Where Terraform runs this hook (the stack folder), for the deploy-time claims the agent makes for it.
  picked[ENV.hookDir] = process.cwd();
  return picked;
}

/** How often a hook that hears nothing checks that its agent is still there. */
const LIVENESS_MS = 100;

/**
 * The longest a hook sleeps between two looks at its `.out`, the most it adds to a hook that waits. Each
 * look costs a hook about 30 us of CPU. The sleeps start at 50 us and grow by half each time nothing came,
 * so each is about half the time the hook has heard nothing: an answer that comes at once is seen at once,
 * and a hook that waits 300 ms for its calls looks about 40 times.
 */
const MAX_PAUSE_MS = 10;

/**
 * Runs the hook through the agent's hook box (src/client/agent/hook-box.ts), synchronously: resolves to its
 * exit code once the output is written, or to undefined when the hook must take the full path (nothing run,
 * or nothing that may not run again).
 */
export async function runThinHook(
  action: 'apply' | 'destroy',
  env: NodeJS.ProcessEnv = process.env,
  output: ThinOutput = PROCESS_OUTPUT,
): Promise<number | undefined> {
  const at = agentSocket(env);
  if (!at) return undefined;
  const box = boxPath(at.path, at.ino);
  const id = `${process.pid}.${Math.random().toString(36).slice(2, 10)}`;
  const outPath = boxOutPath(box, id);
  let fd: number;
  try {
    fd = openSync(outPath, 'wx+', 0o600);
  } catch {
    return undefined; // no box: an agent without one, or it just stopped
  }
  try {
    const request = { id: 1, t: 'hook', action, env: hookEnvironment(env), pid: process.pid };
    const sent = sendToBox(box, id, JSON.stringify(request), ANSWER_TIMEOUT_MS);
    if (sent === 'stuck') return wedged(at, output); // the agent does not read its FIFO
    if (sent === 'none') return undefined;
    // Gone when its FIFO has no reader, or when the box that held our `.out` went with it.
    return follow(fd, output, () => boxRead(box) && !unlinked(fd), at);
  } finally {
    closeSync(fd);
    try {
      unlinkSync(outPath);
    } catch {
      // the box went with its agent
    }
  }
}

/**
 * Reads what the agent sends for the hook from its `.out` as it grows, until the reply: the hook's exit code,
 * or undefined for the full path. Sleeps between looks, longer the longer it has heard nothing (at most
 * {@link MAX_PAUSE_MS}); checks `alive` every {@link LIVENESS_MS} of silence.
 */
function follow(
  fd: number,
  output: ThinOutput,
  alive: () => boolean,
  at: { path: string; ino: number },
): number | undefined {
  /** Calls the agent runs for this hook now: what to print if it goes away or goes silent meanwhile. */
  const calls = new Map<number, { ifLost?: string; ifSilent: string; until: number }>();
  const buf = Buffer.alloc(64 * 1024);
  let pending = Buffer.alloc(0);
  let pos = 0;
  let heard = monotonicMs();
  let checked = heard;
  let lastLook = false;
  let pause = 0;
  /** The agent went away: fail if a POST of ours may have run, else take the full path. */
  const lost = (): number | undefined => {
    const post = [...calls.values()].find((c) => c.ifLost !== undefined);
    if (post?.ifLost) output.err(post.ifLost);
    return post ? 1 : undefined;
  };
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, pos);
    if (n > 0) {
      pos += n;
      pending = Buffer.concat([pending, buf.subarray(0, n)]);
      let nl: number;
      while ((nl = pending.indexOf(0x0a)) >= 0) {
        let m: HookEvent | AgentReply | BoxClosed;
        try {
          m = JSON.parse(pending.subarray(0, nl).toString('utf8')) as HookEvent | AgentReply | BoxClosed;
        } catch {
          return lost(); // a torn line: the agent could not write it whole, and sends nothing more
        }
        pending = pending.subarray(nl + 1);
        if ('closed' in m) return lost();
        if (m.id !== 1) continue;
        if (!('ev' in m)) return m.ok ? (m.exit ?? 1) : undefined; // not run at all: the full path
        if (m.ev === 'out') output.out(m.text);
        else if (m.ev === 'err') output.err(m.text);
        else if (m.ev === 'call')
          calls.set(m.n, { ifLost: m.ifLost, ifSilent: m.ifSilent, until: monotonicMs() + m.ms });
        else if (m.ev === 'called') calls.delete(m.n);
      }
      heard = checked = monotonicMs();
      pause = 0;
      continue;
    }
    if (lastLook) return lost();
    const now = monotonicMs();
    for (const c of calls.values()) {
      if (now >= c.until) {
        output.err(c.ifSilent);
        return 1;
      }
    }
    if (calls.size === 0 && now - heard >= ANSWER_TIMEOUT_MS) return wedged(at, output);
    if (now - checked >= LIVENESS_MS) {
      checked = now;
      // Gone: look once more, for what it sent before it went.
      if (!alive()) lastLook = true;
      continue;
    }
    pause = Math.min(MAX_PAUSE_MS, Math.max(0.05, pause * 1.5));
    pauseMs(pause);
  }
}

/**
 * No word from the agent while none of our calls runs: it is stopped or wedged. Frees the socket name (only
 * if it still names that agent's socket) so the full path starts a new agent, as session.ts does.
 */
function wedged(at: { path: string; ino: number }, output: ThinOutput): undefined {
  try {
    if (lstatSync(at.path).ino === at.ino) unlinkSync(at.path);
  } catch {
    // already replaced by another hook
  }
  output.err(
    `okta-aerial: warning: the deploy agent at ${at.path} did not answer within ${ANSWER_TIMEOUT_MS / 1000} s ` +
      '(stopped or wedged); starting a new one\n',
  );
  return undefined;
}
