#!/usr/bin/env node
'use strict';
/**
 * Deploy benchmark (`npm run bench:deploy` = `npm run build && node bench/deploy.js`).
 *
 * Work: one Aerial account, 200 AerialOrg linked by id, 200 ProductAssignment and 100 PrincipalRateLimit over
 * 4 orgs' Principal Rate Limits APIs: 500 constructs, 1,000 lifecycle resources (identity + config per
 * construct). Emulator in this process, 100 ms latency, 10 requests in flight per Aerial account and per org.
 * (DEPLOY_BENCH_ORGS / DEPLOY_BENCH_API_ORGS / DEPLOY_BENCH_LIMITS_PER_ORG change the shape.)
 *
 * Backend: Terraform's stock `http` backend, served by this process (with locking). Terraform's `local`
 * backend rewrites the whole state file after every resource (O(resources x state size)); remote backends
 * (s3, gcs, azurerm, http, HCP Terraform) keep the state in memory and persist it every 20 s, and a pipeline
 * whose checkout is fresh has to use one. The local backend's Terraform-only figure is measured too (a line
 * before the last; DEPLOY_BENCH_LOCAL_BACKEND=0 skips it).
 *
 * Measured, for each -parallelism in DEPLOY_BENCH_PARALLELISM (default 10,20,30), on a fresh emulator and a
 * fresh state each time:
 *   - terraform only: the same synthesized stack with every provisioner removed from cdk.tf.json (no hooks at
 *     all), `terraform apply` into its own empty state;
 *   - deploy: `terraform apply` of the stack as synthesized, hooks through the deploy agent (the default),
 *     checked afterwards against the emulator's state (every org linked and ACTIVE, every product set and
 *     rate limit as declared).
 * The fastest deploy is the one reported; then `terraform plan -detailed-exitcode` of that deployed stack
 * with no change (must say "No changes."). Diagnostics (not in the last line): CPU seconds of terraform and
 * its hooks, of the agent and of this process (emulator), the API timeline, the cost of one hook process,
 * and the old comparison of the agent with OKTA_AERIAL_NO_AGENT=1 on the old small stack
 * (DEPLOY_BENCH_COMPARE=0 skips it).
 *
 * requests = every API request the emulator counted during the deploy (token requests included);
 * floor_s = requests x 0.1 / 10 (100 ms each, 10 in flight).
 * Last line: deploy-bench: constructs=<n> resources=<n> requests=<n> wall_s=<s> floor_s=<s> ratio=<wall/floor>
 *   terraform_only_s=<same resources, no provisioners> plan_nochange_s=<s>
 */
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const ROOT = path.join(__dirname, '..');
const lib = path.join(ROOT, 'lib');
const CLI = path.join(ROOT, 'bin', 'okta-aerial.js');
const { App, HttpBackend, TerraformStack } = require('cdktf');
const { AerialAccount, AerialOrg, OktaOrg, PrincipalRateLimit, ProductAssignment } = require(lib);
const { startEmulator, demoSeed, DEMO } = require(path.join(lib, 'emulator'));
const { hookEnvironment, thinAgentBox } = require(path.join(lib, 'hook', 'thin-hook'));
const {
  CLK_TCK,
  agentPids,
  cliEnv,
  machineCpuS,
  mustRun,
  routeSummary,
  run,
  stopAgents,
} = require('./support');

const int = (v, d) => (v === undefined || v === '' ? d : Number.parseInt(v, 10));
const SHAPE = {
  orgs: int(process.env.DEPLOY_BENCH_ORGS, 200),
  apiOrgs: int(process.env.DEPLOY_BENCH_API_ORGS, 4),
  limitsPerOrg: int(process.env.DEPLOY_BENCH_LIMITS_PER_ORG, 25),
};
/** The old deploy benchmark's stack, for the agent vs in-process comparison. */
const OLD_SHAPE = { orgs: 24, apiOrgs: 4, limitsPerOrg: 15 };
const PARALLELISMS = (process.env.DEPLOY_BENCH_PARALLELISM || '10,20,30').split(',').map(Number);
const LATENCY_MS = 100;
const SLOTS = 10;
const LOCAL_BACKEND = process.env.DEPLOY_BENCH_LOCAL_BACKEND !== '0';
/**
 * DEPLOY_BENCH_CA_ASIDE=1: the hooks' command moves NODE_EXTRA_CA_CERTS aside (into
 * OKTA_AERIAL_NODE_EXTRA_CA_CERTS), so hook processes do not parse the CA bundle; whatever needs TLS gets it
 * back (the agent, the in-process path). Set through the 'okta-aerial:hookCommand' context key.
 */
const CA_ASIDE = process.env.DEPLOY_BENCH_CA_ASIDE === '1';
/** The hook command prefix that moves the CA bundle aside for the hook process (POSIX sh). */
const CA_ASIDE_PREFIX = 'OKTA_AERIAL_NODE_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS" NODE_EXTRA_CA_CERTS=';
const COMPARE = process.env.DEPLOY_BENCH_COMPARE !== '0';
const STACK = 'bench';
const ACCOUNT_KEY = `production/${DEMO.accountId}`;
const PRODUCT_SETS = [['P000052'], ['P000052', 'P000131'], ['P000052', 'P000139', 'P001113']];

const pad = (n, w) => String(n).padStart(w, '0');
const orgId = (i) => `00oDeployBench${pad(i, 6)}`;
const sub = (i) => `bench-${pad(i, 3)}`;
const adminToken = (i) => `00TBench${pad(i, 3)}Admin0000`;
const principal = (i, p) => `00TBench${pad(i, 3)}Tk${pad(p, 7)}`;
const productsOf = (i) => PRODUCT_SETS[i % PRODUCT_SETS.length];
const percentOf = (p) => [10 + ((p * 7) % 90), 5 + ((p * 3) % 95)];
const constructsOf = (s) => s.orgs * 2 + s.apiOrgs * s.limitsPerOrg;
const out = (line) => process.stdout.write(`${line}\n`);
const secs = (ms) => (ms / 1000).toFixed(2);
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

// ------------------------------------------------------------------------------------------------ seed and stack

/** The demo seed plus `shape.orgs` orgs consenting to the account (not linked yet); API orgs have principals. */
function seed(shape) {
  const s = demoSeed();
  for (let i = 0; i < shape.orgs; i++) {
    const api = i < shape.apiOrgs;
    s.orgs.push({
      id: orgId(i),
      domain: `${sub(i)}.okta.com`,
      cell: 'ok1',
      contractAccountId: DEMO.accountId,
      consentAccountId: DEMO.accountId,
      ...(api && {
        principals: [
          { id: adminToken(i), type: 'SSWS_TOKEN' },
          ...Array.from({ length: shape.limitsPerOrg }, (_, p) => ({
            id: principal(i, p),
            type: 'SSWS_TOKEN',
          })),
        ],
        apiTokens: [{ principalId: adminToken(i) }],
      }),
    });
  }
  return s;
}

/** Synthesizes the stack into `dir` with the given backend; returns the stack folder. */
function synth(dir, creds, shape, backend) {
  const outdir = path.join(dir, 'cdktf.out');
  fs.mkdirSync(outdir, { recursive: true });
  const context = CA_ASIDE ? { 'okta-aerial:hookCommand': `${CA_ASIDE_PREFIX} node '${CLI}'` } : {};
  const app = new App({ outdir, skipValidation: true, context });
  const stack = new TerraformStack(app, STACK);
  backend(stack);
  const account = new AerialAccount(stack, 'Account', {
    accountId: creds.OKTA_AERIAL_ACCOUNT_ID,
    baseUrl: creds.OKTA_AERIAL_BASE_URL,
    tokenUrl: creds.OKTA_AERIAL_TOKEN_URL,
    clientId: creds.OKTA_AERIAL_CLIENT_ID,
  });
  for (let i = 0; i < shape.orgs; i++) {
    const org = new AerialOrg(stack, `Org${i}`, { account, orgId: orgId(i) });
    new ProductAssignment(stack, `Products${i}`, { org, productIds: productsOf(i) });
    if (i >= shape.apiOrgs) continue;
    const label = sub(i).toUpperCase().replace(/-/g, '_');
    const api = new OktaOrg(stack, `Api${i}`, {
      orgUrl: creds[`OKTA_ORG_URL_${label}`],
      apiTokenEnv: `OKTA_API_TOKEN_${label}`,
    });
    for (let p = 0; p < shape.limitsPerOrg; p++) {
      const [rate, conc] = percentOf(p);
      new PrincipalRateLimit(stack, `Limit${i}x${p}`, {
        org: api,
        principalId: principal(i, p),
        principalType: 'SSWS_TOKEN',
        defaultPercentage: rate,
        defaultConcurrencyPercentage: conc,
      });
    }
  }
  app.synth();
  return path.join(outdir, 'stacks', STACK);
}

/**
 * The same stack with every provisioner removed (and its own backend): what Terraform alone costs for these
 * resources. Returns the folder and the number of provisioners removed.
 */
function stripProvisioners(stackDir, dir, backendBlock) {
  const config = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
  let removed = 0;
  for (const items of Object.values(config.resource ?? {})) {
    for (const body of Object.values(items)) {
      removed += (body.provisioner ?? []).length;
      delete body.provisioner;
    }
  }
  config.terraform.backend = backendBlock;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(config, null, 2));
  return removed;
}

function resourceCount(stackDir) {
  const config = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
  return Object.values(config.resource ?? {}).reduce((n, items) => n + Object.keys(items).length, 0);
}

/** Everything in the emulator's state that differs from the stack (empty when the deploy converged). */
async function differences(emu, shape) {
  const state = await (await fetch(`${emu.url}/__admin/state`)).json();
  const orgs = new Map(state.orgs.map((o) => [o.id, o]));
  const bad = [];
  for (let i = 0; i < shape.orgs; i++) {
    const o = orgs.get(orgId(i));
    if (o.linkedAccountId !== DEMO.accountId) bad.push(`${o.id} not linked`);
    if (o.status !== 'ACTIVE') bad.push(`${o.id} is ${o.status}`);
    const want = [...productsOf(i)].sort().join(',');
    const got = [...o.enabledProducts].sort().join(',');
    if (want !== got) bad.push(`${o.id} products [${got}], want [${want}]`);
    if (i >= shape.apiOrgs) continue;
    for (let p = 0; p < shape.limitsPerOrg; p++) {
      const e = o.rateLimits.filter((r) => r.principalId === principal(i, p));
      const [rate, conc] = percentOf(p);
      if (e.length !== 1) bad.push(`${principal(i, p)} has ${e.length} entities`);
      else if (e[0].defaultPercentage !== rate || e[0].defaultConcurrencyPercentage !== conc)
        bad.push(`${principal(i, p)} is ${e[0].defaultPercentage}/${e[0].defaultConcurrencyPercentage}`);
    }
  }
  return bad;
}

// ------------------------------------------------------------------------------------------------ state backend

/**
 * Terraform's `http` backend protocol (GET / POST / DELETE the state, LOCK / UNLOCK), in memory, one state
 * per path. Counts how often Terraform persisted a state and how many bytes.
 */
function startStateServer() {
  const states = new Map();
  const locks = new Map();
  const counts = { posts: 0, bytes: 0 };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (d) => chunks.push(d));
    req.on('end', () => {
      const key = req.url.split('?')[0].replace(/\/lock$/, '');
      const body = Buffer.concat(chunks);
      if (req.method === 'GET') {
        const s = states.get(key);
        res.statusCode = s ? 200 : 404;
        if (s) res.setHeader('Content-Type', 'application/json');
        return res.end(s);
      }
      if (req.method === 'POST') {
        states.set(key, body);
        counts.posts++;
        counts.bytes += body.length;
        return res.end();
      }
      if (req.method === 'DELETE') {
        states.delete(key);
        return res.end();
      }
      if (req.method === 'LOCK') {
        if (locks.has(key)) {
          res.statusCode = 423;
          res.setHeader('Content-Type', 'application/json');
          return res.end(locks.get(key));
        }
        locks.set(key, body);
        return res.end();
      }
      if (req.method === 'UNLOCK') {
        locks.delete(key);
        return res.end();
      }
      res.statusCode = 405;
      res.end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${server.address().port}`;
      resolve({
        counts,
        /** cdktf backend construct and the matching raw JSON block for the state at `name`. */
        backend: (name) => {
          const cfg = {
            address: `${url}/state/${name}`,
            lockAddress: `${url}/state/${name}/lock`,
            unlockAddress: `${url}/state/${name}/lock`,
          };
          return {
            construct: (stack) => new HttpBackend(stack, cfg),
            block: {
              http: {
                address: cfg.address,
                lock_address: cfg.lockAddress,
                unlock_address: cfg.unlockAddress,
              },
            },
          };
        },
        stop: () => new Promise((r) => server.close(r)),
      });
    }),
  );
}

// ------------------------------------------------------------------------------------------------ processes

function processCpuS(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

const apply = (p) => ['apply', '-auto-approve', '-input=false', '-no-color', `-parallelism=${p}`];

// ------------------------------------------------------------------------------------------------ one deploy

/**
 * On a fresh emulator: synthesize, (optionally) apply the provisioner-free copy, deploy for real, check the
 * result. The folders stay until `cleanup` (the plan runs on the fastest deploy's folder afterwards).
 */
async function deployRun({ name, shape, parallelism, latencyMs, agent, terraformOnly, probe, states, tmp }) {
  const emu = await startEmulator({
    quiet: true,
    seed: seed(shape),
    latencyMs,
    aerialConcurrency: SLOTS,
    orgConcurrency: SLOTS,
    randomSeed: 1,
  });
  const dir = path.join(tmp, name);
  const agentDir = path.join(dir, 'agent');
  fs.mkdirSync(dir, { recursive: true });
  try {
    const creds = emu.credentials();
    const env = cliEnv(creds, agentDir, agent ? {} : { OKTA_AERIAL_NO_AGENT: '1' });
    let t = performance.now();
    const stackDir = synth(dir, creds, shape, states.backend(name).construct);
    const synthMs = performance.now() - t;
    const resources = resourceCount(stackDir);
    const r = { name, parallelism, stackDir, env, resources, synthMs };

    if (terraformOnly) {
      const tfDir = path.join(dir, 'terraform-only');
      r.provisionersRemoved = stripProvisioners(stackDir, tfDir, states.backend(`${name}-tfonly`).block);
      await mustRun('terraform', ['init', '-input=false', '-no-color'], tfDir, env);
      const posts0 = states.counts.posts;
      const tf = await mustRun('terraform', apply(parallelism), tfDir, env);
      r.tfOnly = { ms: tf.ms, cpuS: tf.cpuS, statePosts: states.counts.posts - posts0 };
    }

    await mustRun('terraform', ['init', '-input=false', '-no-color'], stackDir, env);
    emu.reset();
    const load0 = load();
    const cpu0 = process.cpuUsage();
    const posts0 = states.counts.posts;
    const startedAt = Date.now();
    const m0 = machineCpuS();
    const d = await mustRun('terraform', apply(parallelism), stackDir, env);
    const m1 = machineCpuS();
    const cpu = process.cpuUsage(cpu0);
    const stats = emu.stats();
    const log = emu.log();
    const pids = agentPids(agentDir);
    r.deploy = {
      ms: d.ms,
      cpuS: d.cpuS,
      load0,
      statePosts: states.counts.posts - posts0,
      benchCpuS: (cpu.user + cpu.system) / 1e6,
      machineBusyS: m1.busy - m0.busy,
      machineTotalS: m1.total - m0.total,
      agentCpuS: pids.reduce((a, pid) => a + (processCpuS(pid) ?? 0), 0),
      agents: pids.length,
      hooks: (d.stdout.match(/Provisioning with 'local-exec'/g) ?? []).length,
      requests: stats.totalRequests,
      byRoute: stats.byRoute,
      tokens: Object.values(stats.tokensIssued).reduce((a, b) => a + b, 0),
      maxInFlight: stats.maxInFlight[ACCOUNT_KEY] ?? 0,
      maxInFlightOrg: Math.max(0, ...Object.values(stats.maxInFlightOrg)),
      throttled: stats.throttled,
      writes: stats.writes,
      timeline: timeline(log, startedAt, latencyMs),
    };
    r.problems = await differences(emu, shape);
    if (probe) r.probe = await probeHook(stackDir, env);
    return r;
  } finally {
    stopAgents(agentDir);
    await emu.stop();
  }
}

/**
 * One hook as Terraform runs it (`sh -c '<command>'` in the stack folder, the spec in the environment), run
 * again by hand after the deploy: a ProductAssignment's apply, which now reads the product set once (one
 * request) and changes nothing. Median wall ms and CPU ms of 5 runs, through the still-running agent.
 */
async function probeHook(stackDir, env) {
  const config = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')).resource
    .terraform_data;
  const body = Object.entries(config).find(([n]) => /^Products0_Config_/.test(n))[1];
  const command = body.provisioner[0]['local-exec'].command;
  const hookEnv = { ...env, OKTA_AERIAL_SPEC: JSON.stringify(body.input) };
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const r = await mustRun('sh', ['-c', command], stackDir, hookEnv);
    runs.push(r);
  }
  const median = (xs) => xs.sort((a, b) => a - b)[2];
  return {
    ms: median(runs.map((r) => r.ms)),
    cpuMs: median(runs.map((r) => r.cpuS * 1000)),
    line: runs[0].stdout.trim(),
    start: await hookStart(config, stackDir, env),
  };
}

/** Rounds of the hook-start series: each start varies by a few ms, a tenth of the whole. */
const HOOK_START_ROUNDS = 21;

/**
 * What a hook process costs by itself: a RETAIN destroy hook (no API call; the agent answers at once), run as
 * Terraform runs it (`sh -c`), against `sh -c 'node -e 0'` in the same environment; then both again with
 * NODE_EXTRA_CA_CERTS moved aside, with the floor beside them: bench/agent-floor.js, a Node process that only
 * writes the hook's message into the agent's hook box and prints the answer. Medians of 21 rounds, each running
 * every series once (wall ms, CPU ms).
 */
async function hookStart(config, stackDir, env) {
  const body = Object.entries(config).find(([n]) => /^Products0_Identity_/.test(n))[1];
  const stackCommand = body.provisioner[0]['local-exec'].command;
  const plain = stackCommand.replace(/^.*?(node '[^']*' hook destroy)$/, '$1');
  const hookEnv = { ...env, OKTA_AERIAL_SPEC: JSON.stringify(body.input) };
  const agentBox = thinAgentBox(hookEnv);
  if (!agentBox) throw new Error('hook start: no deploy agent box for the floor (the agent exited?)');
  const hookRun = (command, extraEnv = {}) => ({ command, env: extraEnv, hook: true });
  const series = {
    hook: hookRun(plain),
    node: { command: 'node -e 0', env: {} },
    // The stack's own command, as Terraform runs it: the default one moves the bundle aside.
    hookAside: hookRun(stackCommand),
    nodeAside: { command: 'NODE_EXTRA_CA_CERTS= node -e 0', env: {} },
    floor: hookRun(`NODE_EXTRA_CA_CERTS= node '${path.join(__dirname, 'agent-floor.js')}'`, {
      BENCH_AGENT_BOX: agentBox,
      BENCH_AGENT_MESSAGE: JSON.stringify({
        id: 1,
        t: 'hook',
        action: 'destroy',
        env: { ...hookEnvironment(hookEnv), OKTA_AERIAL_HOOK_DIR: stackDir },
      }),
    }),
  };
  // Round robin, one run of each per round, so a change in the machine's load reaches every series alike.
  const runs = Object.fromEntries(Object.keys(series).map((name) => [name, []]));
  for (let i = 0; i < HOOK_START_ROUNDS; i++) {
    for (const [name, s] of Object.entries(series)) {
      const r = await mustRun('sh', ['-c', s.command], stackDir, { ...hookEnv, ...s.env });
      if (s.hook && !/no API call/.test(r.stdout))
        throw new Error(`unexpected hook output from ${s.command}: ${r.stdout}${r.stderr}`);
      runs[name].push(r);
    }
  }
  const median = (xs) => xs.sort((a, b) => a - b)[HOOK_START_ROUNDS >> 1];
  return Object.fromEntries(
    Object.entries(runs).map(([name, rs]) => [
      name,
      { ms: median(rs.map((r) => r.ms)), cpuMs: median(rs.map((r) => r.cpuS * 1000)) },
    ]),
  );
}

/** When the API was busy during the deploy, in ms since terraform apply was spawned (log ts = answer sent). */
function timeline(log, startedAt, latencyMs) {
  if (log.length === 0) return undefined;
  const ends = log.map((e) => Date.parse(e.ts) - startedAt).sort((a, b) => a - b);
  const firstStart = ends[0] - latencyMs;
  const lastEnd = ends[ends.length - 1];
  return {
    firstStart,
    lastEnd,
    avgInFlight: (log.length * latencyMs) / Math.max(1, lastEnd - firstStart),
  };
}

function describeDeploy(r, latencyMs) {
  const d = r.deploy;
  const floorS = (d.requests * (latencyMs / 1000)) / SLOTS;
  const routes = routeSummary(d.byRoute);
  out(
    `-parallelism=${r.parallelism}: deploy ${secs(d.ms)} s (load before ${d.load0}), ${d.hooks} hooks, ` +
      `requests ${d.requests} (floor ${floorS.toFixed(2)} s, ratio ${(d.ms / 1000 / floorS).toFixed(2)}), ` +
      `tokens ${d.tokens}, max in flight account ${d.maxInFlight} / org ${d.maxInFlightOrg} (cap ${SLOTS}), ` +
      `429s ${d.throttled}, writes ${d.writes}, converged: ${r.problems.length === 0 ? 'yes' : `NO (${r.problems.length})`}`,
  );
  out(`  requests by route: ${routes}`);
  if (r.tfOnly)
    out(
      `  terraform only (${r.provisionersRemoved} provisioners removed): ${secs(r.tfOnly.ms)} s, ` +
        `${r.tfOnly.cpuS.toFixed(1)} CPU-s; state persisted ${r.tfOnly.statePosts}x`,
    );
  out(
    `  CPU during the deploy: terraform + hooks ${d.cpuS.toFixed(1)} CPU-s, agent ${d.agentCpuS.toFixed(1)} CPU-s ` +
      `(${d.agents} agent process${d.agents === 1 ? '' : 'es'}), this process (emulator, state server) ${d.benchCpuS.toFixed(1)} CPU-s; ` +
      `state persisted ${d.statePosts}x`,
  );
  const others = d.machineBusyS - d.cpuS - d.agentCpuS - d.benchCpuS;
  out(
    `  machine CPU during the deploy (all users, /proc/stat): ${d.machineBusyS.toFixed(1)} of ${d.machineTotalS.toFixed(1)} CPU-s busy ` +
      `(${((100 * d.machineBusyS) / Math.max(1, d.machineTotalS)).toFixed(0)}%), of which ${Math.max(0, others).toFixed(1)} CPU-s not this benchmark's`,
  );
  const t = d.timeline;
  if (t)
    out(
      `  API timeline: first request sent ${secs(t.firstStart)} s after terraform apply started, last answer ` +
        `${secs(t.lastEnd)} s, terraform exited ${secs(d.ms)} s; ${t.avgInFlight.toFixed(1)} requests in flight on ` +
        `average between first and last (cap ${SLOTS})`,
    );
  if (r.probe)
    out(
      `  one hook re-run by hand through the agent (sh -c, as Terraform runs it; 1 request, no change): ` +
        `${r.probe.ms.toFixed(0)} ms wall, ${r.probe.cpuMs.toFixed(0)} ms CPU (medians of 5)`,
    );
  if (r.probe) {
    const { hook, node, hookAside, nodeAside, floor } = r.probe.start;
    const ms = (x) => `${x.ms.toFixed(0)} ms wall / ${x.cpuMs.toFixed(0)} ms CPU`;
    out(
      `  hook start (a RETAIN destroy hook, no API call, sh -c; medians of ${HOOK_START_ROUNDS} rounds): ${ms(hook)} against ${ms(node)} for ` +
        `node -e 0 (${(hook.ms / node.ms).toFixed(2)}x wall); with NODE_EXTRA_CA_CERTS moved aside ${ms(hookAside)} ` +
        `against ${ms(nodeAside)} for node -e 0 without it (${(hookAside.ms / nodeAside.ms).toFixed(2)}x wall)`,
    );
    out(
      `  hook start floor (bench/agent-floor.js: the hook box round trip alone, no CA bundle): ${ms(floor)}, ` +
        `${(floor.ms / nodeAside.ms).toFixed(2)}x node -e 0 without NODE_EXTRA_CA_CERTS; the hook with the bundle ` +
        `moved aside is ${(hookAside.ms / floor.ms).toFixed(2)}x the floor`,
    );
  }
  for (const p of r.problems.slice(0, 5)) out(`  NOT CONVERGED: ${p}`);
  return floorS;
}

// ------------------------------------------------------------------------------------------------ small timings

/** Median wall ms of `node args` (5 runs) with the given environment. */
async function nodeStartMs(args, env) {
  const times = [];
  for (let i = 0; i < 5; i++) times.push((await run(process.execPath, args, ROOT, env)).ms);
  return times.sort((a, b) => a - b)[2];
}

// ------------------------------------------------------------------------------------------------ main

async function main() {
  const tfVersion = JSON.parse(
    (await mustRun('terraform', ['version', '-json'], ROOT, process.env)).stdout,
  ).terraform_version;
  const constructs = constructsOf(SHAPE);
  out(
    `work: ${SHAPE.orgs} AerialOrg (linked by id) + ${SHAPE.orgs} ProductAssignment + ${SHAPE.apiOrgs * SHAPE.limitsPerOrg} ` +
      `PrincipalRateLimit over ${SHAPE.apiOrgs} orgs = ${constructs} constructs, ${constructs * 2} lifecycle resources; ` +
      `emulator latency ${LATENCY_MS} ms, ${SLOTS} in flight per account and per org; terraform -parallelism ${PARALLELISMS.join(', ')}; ` +
      `http state backend served by this process`,
  );
  out(
    `machine: nproc ${os.cpus().length}, load average ${load()}, node ${process.version}, terraform ${tfVersion}, ` +
      `NODE_EXTRA_CA_CERTS ${process.env.NODE_EXTRA_CA_CERTS ? 'set' : 'not set'}`,
  );

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-aerial-bench-deploy-'));
  const states = await startStateServer();
  try {
    // ---- what one hook process costs before it does anything
    const bare = await nodeStartMs(['-e', '0'], process.env);
    const noCa = { ...process.env };
    delete noCa.NODE_EXTRA_CA_CERTS;
    const bareNoCa = await nodeStartMs(['-e', '0'], noCa);
    const cliHelp = await nodeStartMs([CLI, 'hook', '--help'], process.env);
    out(
      `one hook process: node start ${bare.toFixed(0)} ms (${bareNoCa.toFixed(0)} ms without NODE_EXTRA_CA_CERTS), ` +
        `node + okta-aerial hook --help ${cliHelp.toFixed(0)} ms (medians of 5)`,
    );

    // ---- the deploys, one per -parallelism
    const runs = [];
    for (const p of PARALLELISMS) {
      const r = await deployRun({
        name: `p${p}`,
        shape: SHAPE,
        parallelism: p,
        latencyMs: LATENCY_MS,
        agent: true,
        terraformOnly: true,
        probe: true,
        states,
        tmp,
      });
      describeDeploy(r, LATENCY_MS);
      runs.push(r);
    }
    const failed = runs.filter((r) => r.problems.length > 0);
    if (failed.length)
      throw new Error(`deploys that did not converge: ${failed.map((r) => r.name).join(', ')}`);
    const best = runs.reduce((a, b) => (b.deploy.ms < a.deploy.ms ? b : a));
    out(
      `fastest: -parallelism=${best.parallelism} (${runs.map((r) => `${r.parallelism}: ${secs(r.deploy.ms)} s`).join(', ')})`,
    );

    // ---- terraform plan of the deployed stack, nothing changed
    const plan = await run(
      'terraform',
      ['plan', '-detailed-exitcode', '-input=false', '-no-color'],
      best.stackDir,
      best.env,
    );
    const noChanges = plan.code === 0 && /No changes\./.test(plan.stdout);
    if (!noChanges)
      throw new Error(
        `plan of the deployed stack is not clean (exit ${plan.code}):\n${(plan.stdout + plan.stderr).slice(-3000)}`,
      );
    const planNoRefresh = await run(
      'terraform',
      ['plan', '-refresh=false', '-detailed-exitcode', '-input=false', '-no-color'],
      best.stackDir,
      best.env,
    );
    out(
      `terraform plan of the deployed stack (no change): "No changes." in ${secs(plan.ms)} s, ${plan.cpuS.toFixed(1)} CPU-s; ` +
        `with -refresh=false ${secs(planNoRefresh.ms)} s (exit ${planNoRefresh.code})`,
    );

    // ---- Terraform only, local backend
    if (LOCAL_BACKEND) {
      const localDir = path.join(tmp, 'terraform-only-local');
      stripProvisioners(best.stackDir, localDir, {
        local: { path: path.join(localDir, 'terraform.tfstate') },
      });
      await mustRun('terraform', ['init', '-input=false', '-no-color'], localDir, best.env);
      const tf = await mustRun('terraform', apply(best.parallelism), localDir, best.env);
      const size = fs.statSync(path.join(localDir, 'terraform.tfstate')).size;
      const lplan = await run(
        'terraform',
        ['plan', '-detailed-exitcode', '-input=false', '-no-color'],
        localDir,
        best.env,
      );
      out(
        `terraform only, local backend (the state file is rewritten after every resource): ${secs(tf.ms)} s, ` +
          `${tf.cpuS.toFixed(1)} CPU-s, state ${(size / 1e6).toFixed(1)} MB; plan with no change ${secs(lplan.ms)} s ` +
          `(exit ${lplan.code}); the same apply with the http backend took ${secs(best.tfOnly.ms)} s`,
      );
    }

    // ---- the old comparison: agent vs in-process, on the old small stack
    if (COMPARE) {
      const cmp = {};
      for (const agent of [true, false]) {
        const r = await deployRun({
          name: agent ? 'old-agent' : 'old-inprocess',
          shape: OLD_SHAPE,
          parallelism: 20,
          latencyMs: 50,
          agent,
          terraformOnly: false,
          states,
          tmp,
        });
        if (r.problems.length) throw new Error(`${r.name} did not converge: ${r.problems[0]}`);
        cmp[agent ? 'agent' : 'inprocess'] = r.deploy;
        const d = r.deploy;
        out(
          `old stack (${constructsOf(OLD_SHAPE)} constructs, -parallelism=20, latency 50 ms), ${agent ? 'agent     ' : 'in-process'}: ` +
            `${secs(d.ms)} s, requests ${d.requests}, tokens ${d.tokens}, max in flight ${d.maxInFlight}, 429s ${d.throttled}, ` +
            `${d.cpuS.toFixed(1)} CPU-s terraform + hooks`,
        );
      }
      const { agent: a, inprocess: i } = cmp;
      out(
        `deploy-bench-agent: agent_speedup=${(i.ms / a.ms).toFixed(2)} agent_tokens=${a.tokens} inprocess_tokens=${i.tokens} ` +
          `agent_max_in_flight=${a.maxInFlight} inprocess_max_in_flight=${i.maxInFlight} agent_429=${a.throttled} inprocess_429=${i.throttled}`,
      );
    }

    // ---- where the time goes, and the last line
    const d = best.deploy;
    const floorS = (d.requests * (LATENCY_MS / 1000)) / SLOTS;
    const wallS = d.ms / 1000;
    const tfOnlyS = best.tfOnly.ms / 1000;
    const hookCpu = Math.max(0, d.cpuS - best.tfOnly.cpuS);
    out(
      `where the time goes (-parallelism=${best.parallelism}): deploy ${wallS.toFixed(2)} s = terraform alone ` +
        `${tfOnlyS.toFixed(2)} s + ${(wallS - tfOnlyS).toFixed(2)} s more with the hooks; CPU: terraform alone ` +
        `${best.tfOnly.cpuS.toFixed(1)} CPU-s, with hooks ${d.cpuS.toFixed(1)} CPU-s (+${hookCpu.toFixed(1)} for ${d.hooks} hook processes, ` +
        `${((hookCpu / Math.max(1, d.hooks)) * 1000).toFixed(0)} ms each), agent ${d.agentCpuS.toFixed(1)}, emulator ${d.benchCpuS.toFixed(1)}; ` +
        `${os.cpus().length} cores for ${wallS.toFixed(2)} s = ${(os.cpus().length * wallS).toFixed(1)} CPU-s available, ` +
        `${d.machineBusyS.toFixed(1)} CPU-s used by everyone`,
    );
    if (d.timeline)
      out(
        `  the first hook reached the API ${secs(d.timeline.firstStart)} s into the apply (Terraform's plan walk first; ` +
          `a no-change plan takes ${secs(plan.ms)} s); the API then was busy ${(100 * Math.min(1, d.timeline.avgInFlight / SLOTS)).toFixed(0)}% ` +
          `of its ${SLOTS}-slot capacity until the last answer`,
      );
    // The hook start of every -parallelism's probe: the stack's own command (bundle moved aside) against
    // node -e 0 without the bundle, and the plain command against node -e 0 with the machine's environment.
    const startRatios = (a, b) =>
      runs.map((r) => (r.probe.start[a].ms / r.probe.start[b].ms).toFixed(2)).join(', ');
    out(
      `targets: ratio <= 3 (${(wallS / floorS).toFixed(2)}), plan with no change <= 5 s (${secs(plan.ms)}), ` +
        `hook start <= 1.3x node -e 0 (default command without a bundle: ${startRatios('hookAside', 'nodeAside')}; ` +
        `plain command: ${startRatios('hook', 'node')}); load average now ${load()}`,
    );
    out(
      `deploy-bench: constructs=${constructs} resources=${best.resources} requests=${d.requests} wall_s=${wallS.toFixed(2)} ` +
        `floor_s=${floorS.toFixed(2)} ratio=${(wallS / floorS).toFixed(2)} terraform_only_s=${tfOnlyS.toFixed(2)} ` +
        `plan_nochange_s=${secs(plan.ms)}`,
    );
  } finally {
    await states.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`deploy-bench: ${err.stack ?? err.message}\n`);
  process.exitCode = 1;
});
