'use strict';
/**
 * What the benchmarks share: running a command without a shell (wall time and the CPU of its process
 * tree), the environment a user's shell has after `eval "$(okta-aerial emulator credentials)"`, and
 * finding and stopping the deploy agents a run started. Linux only (/proc), like the benchmarks' figures.
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

/** Stops the agents started for each of `dirs` (one folder or a list). */
function stopAgents(dirs) {
  for (const pid of [dirs].flat().flatMap(agentPids)) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

module.exports = { CLK_TCK, run, mustRun, cliEnv, agentPids, stopAgents };
