'use strict';
/**
 * What the benchmarks share: running a command without a shell (wall time and the CPU of its process
 * tree), running one in a process group of its own that can be killed as a whole, the environment a user's
 * shell has after `eval "$(okta-aerial emulator credentials)"`, finding and stopping the deploy agents a run
 * started, a snapshot of the built package, and the emulator as a child process with its admin endpoints.
 * Linux only (/proc), like the benchmarks' figures.
 */
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const ROOT = path.join(__dirname, '..');

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds of every finished (waited-for) descendant of this process: terraform and its hooks. */
function childrenCpuS() {
  const s = fs.readFileSync('/proc/self/stat', 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  // fields after "(comm) ": state is index 0, so cutime (field 16) and cstime (17) are at 13 and 14.
  return (Number(f[13]) + Number(f[14])) / CLK_TCK;
}

/** Busy and total CPU seconds of the whole machine so far (all users), from /proc/stat. */
function machineCpuS() {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = f[3] + (f[4] ?? 0);
  return { busy: (total - idle) / CLK_TCK, total: total / CLK_TCK };
}

/** Runs a command without a shell; resolves with its exit code, output, wall time and CPU of its process tree. */
function run(cmd, args, cwd, env) {
  return new Promise((resolve, reject) => {
    const cpu0 = childrenCpuS();
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout = [];
    const stderr = [];
    child.stdout.on('data', (d) => stdout.push(d));
    child.stderr.on('data', (d) => stderr.push(d));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        ms: performance.now() - t0,
        cpuS: childrenCpuS() - cpu0,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
  });
}

async function mustRun(cmd, args, cwd, env) {
  const r = await run(cmd, args, cwd, env);
  if (r.code !== 0)
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}:\n${(r.stderr || r.stdout).slice(-3000)}`);
  return r;
}

/** The environment of a user's shell after `eval "$(okta-aerial emulator credentials)"`. */
function cliEnv(creds, agentDir, extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OKTA_')) env[k] = v;
  return {
    ...env,
    ...creds,
    CHECKPOINT_DISABLE: '1',
    TF_CLI_CONFIG_FILE: path.join(ROOT, 'terraform.rc'),
    OKTA_AERIAL_AGENT_DIR: agentDir,
    ...extra,
  };
}

/**
 * Pids of the deploy agents the hooks started for `dir`: processes whose command line is
 * `node .../okta-aerial.js agent --dir <dir>` (an agent unlinks its own socket name once it holds the shared
 * one, so the socket names do not tell; `dir` is a folder of this run, so only our agents match).
 */
function agentPids(dir) {
  const pids = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args;
    try {
      args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const at = args.indexOf('--dir');
    if (args.includes('agent') && at > 0 && args[at + 1] === dir) pids.push(Number(entry));
  }
  return pids;
}

/**
 * Signals the agents started for each of `dirs` (one folder or a list): SIGTERM stops them cleanly, SIGKILL
 * stands in for a crash. Returns how many processes were signalled.
 */
function stopAgents(dirs, signal = 'SIGTERM') {
  let n = 0;
  for (const pid of [dirs].flat().flatMap(agentPids)) {
    try {
      process.kill(pid, signal);
      n++;
    } catch {
      // already gone
    }
  }
  return n;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stops the agents of `dirs` with SIGTERM, waits up to `timeoutMs` for them to exit, then SIGKILLs what is left. */
async function stopAgentsAndWait(dirs, timeoutMs = 5000) {
  stopAgents(dirs);
  const until = performance.now() + timeoutMs;
  while ([dirs].flat().flatMap(agentPids).length > 0 && performance.now() < until) await sleep(100);
  return stopAgents(dirs, 'SIGKILL');
}

/** Leaders of the process groups started by runGroup that have not exited yet. */
const liveGroups = new Set();

/** Sends `signal` to a whole process group (a runGroup child and everything it started). */
function killGroup(pid, signal = 'SIGKILL') {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

/** Kills every process group started by runGroup that is still running (for clean-up on failure). */
function killGroups(signal = 'SIGKILL') {
  for (const pid of liveGroups) killGroup(pid, signal);
}

/**
 * Runs a command without a shell in a process group of its own, so that it and everything it starts
 * (terraform and its hooks) can be killed at once, as a cancelled pipeline job is. `onOutput(all, kill)` is
 * called with the output so far (stdout and stderr as they come) and a function that kills the group.
 * Resolves with the exit code or signal, the wall time and the combined output.
 */
function runGroup(cmd, args, { cwd, env, onOutput, timeoutMs } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    liveGroups.add(child.pid);
    let output = '';
    let timedOut = false;
    const kill = (signal = 'SIGKILL') => killGroup(child.pid, signal);
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            kill();
          }, timeoutMs);
    const onData = (d) => {
      output += d.toString('utf8');
      if (onOutput) onOutput(output, kill);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => {
      clearTimeout(timer);
      liveGroups.delete(child.pid);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      liveGroups.delete(child.pid);
      resolve({ code, signal, timedOut, ms: performance.now() - t0, output });
    });
  });
}

/**
 * Copies the built package (lib/, bin/, package.json; node_modules linked) into `dir`, so that a rebuild of
 * the working copy during a long run (another engineer's `npm run build`) neither changes the code under test
 * nor makes the deploy agents exit as "rebuilt". Returns the snapshot's root, lib folder and CLI launcher.
 */
function snapshotPackage(dir) {
  fs.mkdirSync(dir, { recursive: true });
  for (const name of ['lib', 'bin'])
    fs.cpSync(path.join(ROOT, name), path.join(dir, name), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return { root: dir, lib: path.join(dir, 'lib'), cli: path.join(dir, 'bin', 'okta-aerial.js') };
}

/** GET (or `method` with a JSON `body`) one of the emulator's `__admin` endpoints; resolves with its JSON. */
async function admin(url, endpoint, { method = 'GET', body } = {}) {
  const res = await fetch(`${url}/__admin/${endpoint}`, {
    method,
    ...(body !== undefined && {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} __admin/${endpoint}: ${res.status} ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * Starts `okta-aerial emulator --port 0 --quiet <flags>` (from `cli`, default this package's launcher) as a
 * child process and resolves once it has printed its ready line: `{ url, pid, stop() }`. `stop()` sends
 * SIGTERM and, after 5 s, SIGKILL.
 */
function startEmulatorProcess(
  flags,
  { cli = path.join(ROOT, 'bin', 'okta-aerial.js'), env = process.env } = {},
) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'emulator', '--port', '0', '--quiet', ...flags], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let ready = false;
    const exited = new Promise((r) => child.once('exit', r));
    const stop = async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const force = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(force);
    };
    const fail = (why) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`the emulator did not start: ${why}\n${stderr.slice(-2000)}`));
    };
    const timer = setTimeout(() => fail('no ready line within 30 s'), 30_000);
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (err) => fail(err.message));
    child.on('exit', (code, signal) => {
      if (!ready) fail(`it exited (${signal ?? code})`);
    });
    child.stdout.on('data', (d) => {
      if (ready) return;
      stdout += d;
      const nl = stdout.indexOf('\n');
      if (nl < 0) return;
      ready = true;
      clearTimeout(timer);
      try {
        const info = JSON.parse(stdout.slice(0, nl));
        resolve({ url: info.url, pid: child.pid, stop });
      } catch (err) {
        stop();
        reject(new Error(`the emulator's ready line is not JSON: ${stdout.slice(0, nl)} (${err.message})`));
      }
    });
  });
}

/** The emulator's requests by route and status, as one line: `aerial.getOrg 200x404, oauth.token 1x200`. */
function routeSummary(byRoute) {
  return Object.entries(byRoute)
    .map(
      ([route, byStatus]) =>
        `${route} ${Object.entries(byStatus)
          .map(([s, c]) => `${c}x${s}`)
          .join('+')}`,
    )
    .join(', ');
}

module.exports = {
  CLK_TCK,
  childrenCpuS,
  machineCpuS,
  run,
  mustRun,
  cliEnv,
  agentPids,
  stopAgents,
  stopAgentsAndWait,
  runGroup,
  killGroup,
  killGroups,
  snapshotPackage,
  admin,
  startEmulatorProcess,
  routeSummary,
  sleep,
};
