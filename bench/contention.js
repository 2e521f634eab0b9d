#!/usr/bin/env node
'use strict';
/**
 * Contention benchmark (`npm run bench:contention` = `npm run build && node bench/contention.js`).
 *
 * Several pipelines on one account (issue 9): three separate checkouts (scratch folders, each with its own
 * synthesized app, Terraform state and OKTA_AERIAL_AGENT_DIR, so each has its own deploy agent, as three
 * machines would) deploy overlapping stacks to ONE emulated Aerial account at the same time. The emulator runs
 * as a child process with 100 ms latency, Okta's 10 requests in flight per account, and 10% injected faults
 * on every API route (7% 5xx, 3% connection resets).
 *
 * Overlap: every checkout declares the same shared orgs (some linked by id, some by domain + cell, which
 * checkout uses which varies), their product sets, and the rate limits of shared principals on shared orgs'
 * Principal Rate Limits APIs, all with identical desired values; each checkout also has orgs and principals
 * of its own. Per checkout (defaults): 6 shared orgs + 8 own orgs (AerialOrg + ProductAssignment each) and
 * 2 API orgs x (5 shared + 5 own) PrincipalRateLimit = 48 constructs, 96 lifecycle resources.
 *
 * A run = one checkout deploying one round's desired state. Round 1 creates everything, round 2 changes every
 * product set and percentage and some statuses (shared values still identical across checkouts); the rounds
 * follow each other, the checkouts of a round run at once (staggered by up to 2 s). Each attempt of a run is
 * what a pipeline job does on a fresh checkout: synthesize (the state file survives, outside cdktf.out),
 * `okta-aerial drift --repair`, `terraform init`, `terraform apply` (when `drift --repair` says a kill left
 * the local state file empty or cut off, the backup is copied over it, as the message says). While terraform applies, a seeded random
 * schedule kills terraform with its hooks (SIGKILL to its process group, after a random number of hook lines)
 * and/or the checkout's deploy agent (SIGKILL). Only the first --max-killed-attempts attempts of a run can be
 * killed; a run is repeated until an attempt exits 0 (at most --max-attempts).
 *
 * After each round, the emulator's `__admin/state` is checked against every run of the round:
 *   converged   = the run's pipeline succeeded and every desired value of the run is live;
 *   lost_writes = desired values absent although the run's pipeline reported success;
 *   duplicates  = extra rate limit entities for one principal (anywhere in the account's orgs).
 * requests / throttled / max_in_flight come from `__admin/stats` (429s are the emulator's real concurrency
 * refusals: no 429 is injected); floor_s = requests x latency / 10.
 *
 * Last line: contention-bench: runs=<n> converged=<n> duplicates=<n> lost_writes=<n> requests=<n>
 *   throttled=<n> throttled_pct=<p> max_in_flight=<n> wall_s=<s> floor_s=<s>
 * Targets: every run converges, 0 duplicates, 0 lost writes, throttled_pct <= 5.
 *
 * Options: --flag N or CONTENTION_BENCH_FLAG=N (see --help). The seed is printed; `--seed N` repeats a run's
 * kill schedule and fault sequence (timings, and so interleavings, still vary).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const {
  admin,
  agentPids,
  childrenCpuS,
  cliEnv,
  killGroups,
  machineCpuS,
  routeSummary,
  runGroup,
  sleep,
  snapshotPackage,
  startEmulatorProcess,
  stopAgents,
  stopAgentsAndWait,
} = require('./support');

// ------------------------------------------------------------------------------------------------ options

const OPTIONS = {
  checkouts: [3, 'separate checkouts (machines), each with its own agent folder'],
  'shared-orgs': [6, 'orgs every checkout declares (AerialOrg + ProductAssignment), identical values'],
  'own-orgs': [8, 'orgs of each checkout alone'],
  'api-orgs': [2, 'shared orgs whose Principal Rate Limits API the stacks use'],
  'shared-limits': [5, 'PrincipalRateLimits per API org that every checkout declares'],
  'own-limits': [5, 'PrincipalRateLimits per API org and checkout'],
  rounds: [2, 'rounds (1: create; 2+: change products, percentages, some statuses)'],
  'latency-ms': [100, 'emulator latency per request'],
  'fault-rate': [0.1, 'injected faults per API request (70% 5xx, 30% connection resets)'],
  'kill-rate': [0.5, 'chance that an attempt kills terraform and its hooks'],
  'agent-kill-rate': [0.5, "chance that an attempt kills the checkout's deploy agent"],
  'max-killed-attempts': [2, 'attempts of a run that may be killed (later ones run undisturbed)'],
  'max-attempts': [8, 'attempts of a run before it counts as not converged'],
  parallelism: [10, 'terraform -parallelism'],
  'apply-timeout-s': [600, 'an apply running longer is killed and counted as failed'],
  'stagger-ms': [2000, 'the checkouts of a round start up to this much apart'],
  'saturation-calls': [300, 'after the rounds: reads each machine sends at once through its agent (0: skip)'],
  seed: [1, 'seed of the kill schedule and of the fault sequence'],
  keep: [0, '1: keep the scratch folder (printed) for inspection'],
};

function parseOptions(argv) {
  const opts = {};
  for (const [name, [def]] of Object.entries(OPTIONS)) {
    const env = process.env[`CONTENTION_BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
    opts[name] = env === undefined || env === '' ? def : Number(env);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      const lines = Object.entries(OPTIONS).map(
        ([n, [d, what]]) => `  --${n} N`.padEnd(28) + `${what} (default ${d})`,
      );
      process.stdout.write(
        `usage: node bench/contention.js [options]   (or CONTENTION_BENCH_<OPTION>=N)\n${lines.join('\n')}\n`,
      );
      process.exit(0);
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m || !(m[1] in OPTIONS)) throw new Error(`unknown option ${arg} (try --help)`);
    const value = m[2] ?? argv[++i];
    opts[m[1]] = Number(value);
  }
  for (const [name, v] of Object.entries(opts)) {
    if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a number >= 0, not ${v}`);
  }
  if (opts.checkouts < 1 || opts.checkouts > 9) throw new Error('--checkouts must be 1..9');
  if (opts['api-orgs'] > opts['shared-orgs']) throw new Error('--api-orgs must be at most --shared-orgs');
  if (opts.rounds < 1 || opts['max-attempts'] < 1)
    throw new Error('--rounds and --max-attempts must be >= 1');
  return opts;
}

const opts = parseOptions(process.argv.slice(2));
const SLOTS = 10;
const STACK = 'contention';
const out = (line) => process.stdout.write(`${line}\n`);
const secs = (ms) => (ms / 1000).toFixed(2);

// ------------------------------------------------------------------------------------------------ the estate

const pad = (n, w) => String(n).padStart(w, '0');
const sharedOrgId = (i) => `00oContShared${pad(i, 7)}`; // 00o + 17
const ownOrgId = (c, i) => `00oContC${c}Own${pad(i, 8)}`;
const sharedSub = (i) => `cont-shared-${pad(i, 3)}`;
const ownSub = (c, i) => `cont-c${c}-${pad(i, 3)}`;
const adminToken = (a) => `00TContAdmin${pad(a, 3)}`;
const sharedPrincipal = (a, p) => `00TContS${pad(a, 2)}P${pad(p, 4)}`;
const ownPrincipal = (c, a, p) => `00TContC${c}A${pad(a, 2)}P${pad(p, 4)}`;
const label = (sub) => sub.toUpperCase().replace(/-/g, '_');
const PRODUCT_SETS = [
  ['P000052'],
  ['P000052', 'P000131'],
  ['P000052', 'P000139', 'P001113'],
  [],
  ['P000131'],
];
const productsOf = (i, round) => PRODUCT_SETS[(i + round) % PRODUCT_SETS.length];
const statusOf = (i, round) => ((i + round) % 4 === 3 ? 'INACTIVE' : 'ACTIVE');
const percentOf = (p, round) => [10 + ((p * 7 + round * 3) % 90), 5 + ((p * 3 + round * 5) % 95)];

/** What checkout `c` declares in `round`: orgs (status, products) and rate limits, shared ones marked. */
function desiredOf(c, round) {
  const orgs = [];
  for (let i = 0; i < opts['shared-orgs']; i++) {
    orgs.push({
      id: sharedOrgId(i),
      sub: sharedSub(i),
      shared: true,
      byDomain: (i + c) % 3 === 0,
      status: statusOf(i, round),
      products: productsOf(i, round),
    });
  }
  for (let i = 0; i < opts['own-orgs']; i++) {
    orgs.push({
      id: ownOrgId(c, i),
      sub: ownSub(c, i),
      shared: false,
      byDomain: i % 4 === 1,
      status: statusOf(i + c + 1, round),
      products: productsOf(i + c + 1, round),
    });
  }
  const limits = [];
  for (let a = 0; a < opts['api-orgs']; a++) {
    for (let p = 0; p < opts['shared-limits']; p++) {
      limits.push({ api: a, principal: sharedPrincipal(a, p), shared: true, pct: percentOf(p, round) });
    }
    for (let p = 0; p < opts['own-limits']; p++) {
      limits.push({
        api: a,
        principal: ownPrincipal(c, a, p),
        shared: false,
        pct: percentOf(p + 11 * (c + 1), round),
      });
    }
  }
  return { orgs, limits };
}

/** The demo seed plus every org of every checkout, consenting to the demo account and not linked yet. */
function seedOf(demoSeed, DEMO) {
  const s = demoSeed();
  const org = (id, sub, principals = []) => ({
    id,
    domain: `${sub}.okta.com`,
    cell: 'ok1',
    contractAccountId: DEMO.accountId,
    consentAccountId: DEMO.accountId,
    ...(principals.length > 0 && {
      principals: principals.map((p) => ({ id: p, type: 'SSWS_TOKEN' })),
      apiTokens: [{ principalId: principals[0] }],
    }),
  });
  for (let i = 0; i < opts['shared-orgs']; i++) {
    const principals = [];
    if (i < opts['api-orgs']) {
      principals.push(adminToken(i));
      for (let p = 0; p < opts['shared-limits']; p++) principals.push(sharedPrincipal(i, p));
      for (let c = 0; c < opts.checkouts; c++)
        for (let p = 0; p < opts['own-limits']; p++) principals.push(ownPrincipal(c, i, p));
    }
    s.orgs.push(org(sharedOrgId(i), sharedSub(i), principals));
  }
  for (let c = 0; c < opts.checkouts; c++)
    for (let i = 0; i < opts['own-orgs']; i++) s.orgs.push(org(ownOrgId(c, i), ownSub(c, i)));
  return s;
}

/** Synthesizes checkout `co`'s stack for `round` into its cdktf.out; the state file stays outside. */
function synth(co, round, pkg) {
  const { App, LocalBackend, TerraformStack } = require('cdktf');
  const { AerialAccount, AerialOrg, OktaOrg, PrincipalRateLimit, ProductAssignment } = require(pkg.lib);
  const { creds } = co;
  const app = new App({ outdir: co.outdir, skipValidation: true });
  const stack = new TerraformStack(app, STACK);
  new LocalBackend(stack, { path: co.stateFile });
  const account = new AerialAccount(stack, 'Account', {
    accountId: creds.OKTA_AERIAL_ACCOUNT_ID,
    baseUrl: creds.OKTA_AERIAL_BASE_URL,
    tokenUrl: creds.OKTA_AERIAL_TOKEN_URL,
    clientId: creds.OKTA_AERIAL_CLIENT_ID,
  });
  const d = desiredOf(co.index, round);
  for (const o of d.orgs) {
    const id = o.shared ? `Shared${o.id.slice(-3)}` : `Own${o.id.slice(-3)}`;
    const org = new AerialOrg(stack, id, {
      account,
      ...(o.byDomain ? { domain: `${o.sub}.okta.com`, cell: 'ok1' } : { orgId: o.id }),
      status: o.status,
    });
    new ProductAssignment(stack, `${id}Products`, { org, productIds: o.products });
  }
  const apis = new Map();
  for (const l of d.limits) {
    let api = apis.get(l.api);
    if (!api) {
      const sub = label(sharedSub(l.api));
      api = new OktaOrg(stack, `Api${l.api}`, {
        orgUrl: creds[`OKTA_ORG_URL_${sub}`],
        apiTokenEnv: `OKTA_API_TOKEN_${sub}`,
      });
      apis.set(l.api, api);
    }
    new PrincipalRateLimit(stack, `Limit${l.principal.slice(7)}`, {
      org: api,
      principalId: l.principal,
      principalType: 'SSWS_TOKEN',
      defaultPercentage: l.pct[0],
      defaultConcurrencyPercentage: l.pct[1],
    });
  }
  app.synth();
  return d.orgs.length * 2 + d.limits.length;
}

// ------------------------------------------------------------------------------------------------ checks

/** Every desired value of `d` that the live state lacks, as readable lines. */
function differences(state, d, accountId) {
  const orgs = new Map(state.orgs.map((o) => [o.id, o]));
  const bad = [];
  for (const o of d.orgs) {
    const live = orgs.get(o.id);
    if (!live || live.linkedAccountId !== accountId) {
      bad.push(`${o.id} not linked`);
      continue;
    }
    if (live.status !== o.status) bad.push(`${o.id} is ${live.status}, want ${o.status}`);
    const want = [...o.products].sort().join(',');
    const got = [...live.enabledProducts].sort().join(',');
    if (want !== got) bad.push(`${o.id} products [${got}], want [${want}]`);
  }
  for (const l of d.limits) {
    const entities = orgs.get(sharedOrgId(l.api)).rateLimits.filter((r) => r.principalId === l.principal);
    if (entities.length === 0) bad.push(`${l.principal} has no rate limit entity`);
    else if (
      !entities.some((e) => e.defaultPercentage === l.pct[0] && e.defaultConcurrencyPercentage === l.pct[1])
    )
      bad.push(
        `${l.principal} is ${entities[0].defaultPercentage}/${entities[0].defaultConcurrencyPercentage}, want ${l.pct.join('/')}`,
      );
  }
  return bad;
}

/** Extra rate limit entities: more than one for a principal of an org. */
function duplicates(state) {
  const found = [];
  for (const o of state.orgs) {
    const counts = new Map();
    for (const r of o.rateLimits) counts.set(r.principalId, (counts.get(r.principalId) ?? 0) + 1);
    for (const [principal, n] of counts) if (n > 1) found.push({ org: o.id, principal, extra: n - 1 });
  }
  return found;
}

// ------------------------------------------------------------------------------------------------ one attempt

/** Distinct error lines of a terraform or CLI output, shortened. */
function errorLines(output) {
  const seen = new Set();
  for (const raw of output.split('\n')) {
    const line = raw.replace(/^.*?\(local-exec\):\s*/, '').trim();
    if (!/okta-aerial: .*failed|^Error: |okta-aerial: error|drift: .*error/i.test(line)) continue;
    seen.add(line.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<id>').slice(0, 240));
  }
  return [...seen];
}

/** Draws an attempt's kill plan: always four numbers, so the schedule does not depend on what happened. */
function killPlan(rng, attempt, hooksExpected) {
  const [a, b, c, d] = [rng(), rng(), rng(), rng()];
  const killable = attempt <= opts['max-killed-attempts'];
  return {
    terraformAt: killable && a < opts['kill-rate'] ? 1 + Math.floor(b * hooksExpected) : undefined,
    // In the first half: a later attempt has fewer hooks left to run, and a killed terraform kills no agent.
    agentAt: killable && c < opts['agent-kill-rate'] ? 1 + Math.floor((d * hooksExpected) / 2) : undefined,
  };
}

/** One pipeline job of checkout `co`: fresh checkout, synth, drift --repair, init, apply (maybe killed). */
async function attempt(co, round, n, plan, pkg) {
  const rec = { checkout: co.index, round, attempt: n, plan, hooks: 0, errors: [] };
  const t0 = performance.now();
  try {
    // The killed attempt's agent may still be finishing a hook's claim in there: retry while it does.
    fs.rmSync(co.outdir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    synth(co, round, pkg);
    const repair = await runGroup(process.execPath, [pkg.cli, 'drift', '--repair'], {
      cwd: co.dir,
      env: co.env,
      timeoutMs: opts['apply-timeout-s'] * 1000,
    });
    rec.repairMs = repair.ms;
    rec.repair = (/^(repair|drift): .*$/m.exec(repair.output) ?? [''])[0];
    if (repair.code !== 0) {
      rec.outcome = `drift --repair exited ${repair.code ?? repair.signal}`;
      rec.errors = errorLines(repair.output);
      if (rec.errors.length === 0) rec.errors = [repair.output.trim().split('\n').slice(-2).join(' | ')];
      // A kill while Terraform rewrote the local state file left it empty or cut off: do what the message
      // says (copy Terraform's backup over it), as the pipeline's operator would; the next attempt goes on.
      if (/copy it over the state file/.test(repair.output)) {
        fs.copyFileSync(`${co.stateFile}.backup`, co.stateFile);
        rec.outcome += '; state file restored from its backup as the message says';
      }
      return rec;
    }
    const init = await runGroup('terraform', ['init', '-input=false', '-no-color'], {
      cwd: co.stackDir,
      env: co.env,
    });
    if (init.code !== 0) {
      rec.outcome = `terraform init exited ${init.code ?? init.signal}`;
      rec.errors = [init.output.trim().split('\n').slice(-3).join(' | ')];
      return rec;
    }
    const apply = await runGroup(
      'terraform',
      ['apply', '-auto-approve', '-input=false', '-no-color', `-parallelism=${opts.parallelism}`],
      {
        cwd: co.stackDir,
        env: co.env,
        timeoutMs: opts['apply-timeout-s'] * 1000,
        onOutput: (all, kill) => {
          rec.hooks = (all.match(/okta-aerial: /g) ?? []).length;
          if (plan.agentAt !== undefined && rec.agentKilledAt === undefined && rec.hooks >= plan.agentAt) {
            rec.agentKilledAt = rec.hooks;
            rec.agentsKilled = stopAgents(co.agentDir, 'SIGKILL');
          }
          if (plan.terraformAt !== undefined && rec.killedAt === undefined && rec.hooks >= plan.terraformAt) {
            rec.killedAt = rec.hooks;
            kill('SIGKILL');
          }
        },
      },
    );
    rec.applyMs = apply.ms;
    rec.errors = errorLines(apply.output);
    if (rec.killedAt !== undefined) rec.outcome = `terraform killed after ${rec.killedAt} hook lines`;
    else if (apply.timedOut) rec.outcome = `apply timed out after ${opts['apply-timeout-s']} s`;
    else if (apply.code === 0) rec.outcome = 'ok';
    else rec.outcome = `terraform apply exited ${apply.code ?? apply.signal}`;
    return rec;
  } finally {
    rec.ms = performance.now() - t0;
  }
}

function describeAttempt(rec) {
  const kills = [
    rec.plan.terraformAt !== undefined && `terraform at ${rec.plan.terraformAt}`,
    rec.plan.agentAt !== undefined && `agent at ${rec.plan.agentAt}`,
  ].filter(Boolean);
  const agent =
    rec.agentKilledAt === undefined
      ? ''
      : `; agent killed after ${rec.agentKilledAt} (${rec.agentsKilled} pid)`;
  out(
    `  round ${rec.round} c${rec.checkout} attempt ${rec.attempt}: ${rec.outcome} in ${secs(rec.ms)} s, ` +
      `${rec.hooks} hook lines${agent}; planned kills: ${kills.join(', ') || 'none'}` +
      (rec.applyMs === undefined
        ? ''
        : `; drift --repair ${secs(rec.repairMs)} s, apply ${secs(rec.applyMs)} s`) +
      (rec.repair ? `; ${rec.repair}` : ''),
  );
  for (const e of rec.errors.slice(0, 4)) out(`      ${e}`);
  if (rec.errors.length > 4) out(`      ... ${rec.errors.length - 4} more error lines`);
}

/** A run: attempts of checkout `co` for `round` until one exits 0 (or --max-attempts). */
async function deployRun(co, round, pkg, constructs) {
  // The emulator's seedable generator (mulberry32), so a kill schedule can be repeated exactly.
  const { seededRandom } = require(path.join(pkg.lib, 'emulator', 'faults'));
  const rng = seededRandom((opts.seed * 7919 + co.index * 104729 + round * 1299709) >>> 0);
  await sleep(rng() * opts['stagger-ms']);
  const attempts = [];
  for (let n = 1; n <= opts['max-attempts']; n++) {
    const plan = killPlan(rng, n, Math.max(1, Math.round(constructs * 0.8)));
    const rec = await attempt(co, round, n, plan, pkg);
    describeAttempt(rec);
    attempts.push(rec);
    if (rec.outcome === 'ok') return { checkout: co.index, round, success: true, attempts };
  }
  return { checkout: co.index, round, success: false, attempts };
}

// ------------------------------------------------------------------------------------------------ main

/** What the request log says about throttling: 429s per route family, per round, and the busiest seconds. */
function throttleProfile(log, roundSpans) {
  const lines = [];
  const aerial = log.filter((e) => e.route.startsWith('aerial.'));
  const t429 = aerial.filter((e) => e.status === 429);
  lines.push(
    `aerial API requests ${aerial.length}, of which 429 ${t429.length} (${((100 * t429.length) / Math.max(1, aerial.length)).toFixed(1)}%); ` +
      `429s on other routes ${log.filter((e) => e.status === 429 && !e.route.startsWith('aerial.')).length}`,
  );
  const retried = log.filter((e) => (e.retryCount ?? 0) > 0);
  lines.push(
    `requests that were retries (X-Okta-Retry-Count > 0): ${retried.length}; injected 5xx/resets seen: ` +
      `${log.filter((e) => e.status >= 500).length} 5xx, ${log.filter((e) => e.status === 0).length} resets`,
  );
  for (const span of roundSpans) {
    const inRound = aerial.filter((e) => {
      const t = Date.parse(e.ts);
      return t >= span.start && t <= span.end;
    });
    const ok = inRound.filter((e) => e.status !== 429).length;
    const busyS = (span.end - span.start) / 1000;
    lines.push(
      `round ${span.round}: ${inRound.length} aerial requests in ${busyS.toFixed(1)} s, 429 ${inRound.length - ok}; ` +
        `admitted requests x latency / wall = ${((ok * opts['latency-ms']) / 1000 / Math.max(0.001, busyS)).toFixed(1)} in flight on average (cap ${SLOTS})`,
    );
  }
  // In flight at the account over time: an admitted request holds its slot for about the latency before its
  // answer (the log's ts). Share of the busy time (>= 1 in flight) spent at the cap.
  const events = [];
  for (const e of aerial) {
    if (e.status === 429) continue;
    const end = Date.parse(e.ts);
    events.push([end - opts['latency-ms'], 1], [end, -1]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let level = 0;
  let last = events.length ? events[0][0] : 0;
  const at = new Map();
  for (const [t, d] of events) {
    at.set(level, (at.get(level) ?? 0) + (t - last));
    level += d;
    last = t;
  }
  const busyMs = [...at].filter(([l]) => l > 0).reduce((a, [, ms]) => a + ms, 0);
  const capMs = [...at].filter(([l]) => l >= SLOTS).reduce((a, [, ms]) => a + ms, 0);
  lines.push(
    `account in flight (admitted aerial requests): >= 1 for ${secs(busyMs)} s, at the cap of ${SLOTS} for ${secs(capMs)} s ` +
      `(${((100 * capMs) / Math.max(1, busyMs)).toFixed(1)}% of the busy time)`,
  );
  // The seconds with the most 429s: were they bursts of several agents at a full window?
  const perSecond = new Map();
  for (const e of aerial) {
    const s = Math.floor(Date.parse(e.ts) / 1000);
    const v = perSecond.get(s) ?? { n: 0, t: 0 };
    v.n++;
    if (e.status === 429) v.t++;
    perSecond.set(s, v);
  }
  const busiest = [...perSecond.values()].sort((a, b) => b.t - a.t).slice(0, 5);
  lines.push(
    `worst seconds (aerial requests / 429s): ${busiest.map((v) => `${v.n}/${v.t}`).join(', ')}; seconds with any 429: ` +
      `${[...perSecond.values()].filter((v) => v.t > 0).length} of ${perSecond.size}`,
  );
  return lines;
}

/**
 * The saturation phase: the deploys above are bound by this machine's two cores (every hook is a node process),
 * so they rarely keep the account's 10 slots full; three real machines would. Here each checkout's machine
 * sends `calls` reads at once through its own deploy agent (the real client, the agents the deploys left
 * running or new ones), so the account is saturated and only the agents' adaptive windows decide how often it
 * answers 429. Measured on its own (stats reset first); not part of the last line.
 */
async function saturate(emuUrl, checkouts, pkg, orgId, calls) {
  const script = `
    const { openAerialClient, closeClients } = require(${JSON.stringify(path.join(pkg.lib, 'client'))});
    (async () => {
      const e = process.env;
      const c = openAerialClient({ accountId: e.OKTA_AERIAL_ACCOUNT_ID, baseUrl: e.OKTA_AERIAL_BASE_URL,
        tokenUrl: e.OKTA_AERIAL_TOKEN_URL, clientId: e.OKTA_AERIAL_CLIENT_ID,
        privateKey: e.OKTA_AERIAL_PRIVATE_KEY, keyId: e.OKTA_AERIAL_KEY_ID });
      const t0 = Date.now();
      let failed = 0;
      await Promise.all(Array.from({ length: ${calls} }, () => c.getEnabledProducts(${JSON.stringify(orgId)}).catch(() => failed++)));
      const ms = Date.now() - t0;
      const shared = await c.sharedCounters().catch(() => undefined);
      process.stdout.write(JSON.stringify({ ms, failed, counters: c.counters, window: shared?.window }));
      await closeClients();
    })();`;
  await admin(emuUrl, 'reset', { method: 'POST' });
  const t0 = performance.now();
  const results = await Promise.all(
    checkouts.map((co) =>
      runGroup(process.execPath, ['-e', script], { cwd: co.dir, env: co.env, timeoutMs: 600_000 }).then(
        (r) => {
          try {
            return JSON.parse(r.output.trim().split('\n').pop());
          } catch {
            return { error: `exit ${r.code ?? r.signal}: ${r.output.trim().slice(-300)}` };
          }
        },
      ),
    ),
  );
  const ms = performance.now() - t0;
  const stats = await admin(emuUrl, 'stats');
  return { ms, results, stats };
}

async function main() {
  const started = performance.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-aerial-bench-contention-'));
  const checkouts = [];
  let emu;
  let lastLine;
  let interrupted = false;
  const onSignal = (sig) => {
    interrupted = true;
    process.stderr.write(`contention-bench: ${sig}, cleaning up\n`);
    killGroups();
    stopAgents(
      checkouts.map((c) => c.agentDir),
      'SIGKILL',
    );
    Promise.resolve(emu?.stop())
      .catch(() => undefined)
      .finally(() => {
        if (!opts.keep) fs.rmSync(tmp, { recursive: true, force: true });
        process.exit(130);
      });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const pkg = snapshotPackage(path.join(tmp, 'package'));
    const { demoSeed, DEMO } = require(path.join(pkg.lib, 'emulator'));
    const accountKey = `production/${DEMO.accountId}`;
    const seedFile = path.join(tmp, 'seed.json');
    fs.writeFileSync(seedFile, JSON.stringify(seedOf(demoSeed, DEMO)));
    const faultRate = opts['fault-rate'];
    const faults = {
      randomSeed: opts.seed,
      rules: [{ rate5xx: faultRate * 0.7, resetRate: faultRate * 0.3, statuses5xx: [500, 502, 503] }],
    };
    emu = await startEmulatorProcess(
      [
        '--seed',
        seedFile,
        '--latency-ms',
        String(opts['latency-ms']),
        '--concurrency',
        String(SLOTS),
        '--random-seed',
        String(opts.seed),
        '--faults',
        JSON.stringify(faults),
      ],
      { cli: pkg.cli },
    );
    const creds = await admin(emu.url, 'credentials');
    // A lib/ built from a half-edited src/ shows here first (the admin state is what the checks read).
    await admin(emu.url, 'state').catch((err) => {
      throw new Error(
        `the emulator's admin state does not answer; is lib/ built from a consistent src/? ${err.message}`,
      );
    });
    for (let c = 0; c < opts.checkouts; c++) {
      const dir = path.join(tmp, `checkout-${c}`);
      const agentDir = path.join(dir, 'agent');
      fs.mkdirSync(agentDir, { recursive: true, mode: 0o700 });
      const outdir = path.join(dir, 'cdktf.out');
      checkouts.push({
        index: c,
        dir,
        agentDir,
        outdir,
        stackDir: path.join(outdir, 'stacks', STACK),
        stateFile: path.join(dir, 'terraform.tfstate'),
        creds,
        env: cliEnv(creds, agentDir, { TF_IN_AUTOMATION: '1' }),
      });
    }
    const constructs = desiredOf(0, 1).orgs.length * 2 + desiredOf(0, 1).limits.length;
    const sharedN = opts['shared-orgs'] * 2 + opts['api-orgs'] * opts['shared-limits'];
    out(
      `work: ${opts.checkouts} checkouts x ${opts.rounds} rounds on one Aerial account; per checkout ${constructs} constructs ` +
        `(${constructs * 2} lifecycle resources), ${sharedN} of them shared with identical values: ${opts['shared-orgs']} shared + ` +
        `${opts['own-orgs']} own orgs (AerialOrg + ProductAssignment), ${opts['api-orgs']} API orgs x (${opts['shared-limits']} shared + ` +
        `${opts['own-limits']} own) PrincipalRateLimit`,
    );
    out(
      `emulator: latency ${opts['latency-ms']} ms, ${SLOTS} in flight per account, faults on every API route ` +
        `${(faultRate * 70).toFixed(1)}% 5xx + ${(faultRate * 30).toFixed(1)}% resets; terraform -parallelism ${opts.parallelism}; ` +
        `kills: terraform ${opts['kill-rate']}, agent ${opts['agent-kill-rate']} per attempt, first ${opts['max-killed-attempts']} attempts of a run`,
    );
    out(
      `seed=${opts.seed} (repeat with: node bench/contention.js --seed ${opts.seed}); machine: nproc ${os.cpus().length}, ` +
        `load average ${os
          .loadavg()
          .map((x) => x.toFixed(2))
          .join(' ')}, node ${process.version}`,
    );

    await admin(emu.url, 'reset', { method: 'POST' });
    const t0 = performance.now();
    const machine0 = machineCpuS();
    const children0 = childrenCpuS();
    const runs = [];
    const roundSpans = [];
    let lostWrites = 0;
    let converged = 0;
    for (let round = 1; round <= opts.rounds && !interrupted; round++) {
      const start = Date.now();
      out(`round ${round}:`);
      const results = await Promise.all(checkouts.map((co) => deployRun(co, round, pkg, constructs)));
      roundSpans.push({ round, start, end: Date.now() });
      const state = await admin(emu.url, 'state');
      for (const r of results) {
        const diff = differences(state, desiredOf(r.checkout, round), DEMO.accountId);
        r.differences = diff;
        if (r.success) lostWrites += diff.length;
        if (r.success && diff.length === 0) converged++;
        out(
          `  round ${round} c${r.checkout}: ${r.success ? 'pipeline succeeded' : 'pipeline never succeeded'} after ` +
            `${r.attempts.length} attempt(s), ${diff.length === 0 ? 'converged: every desired value is live' : `NOT CONVERGED: ${diff.length} desired values absent`}`,
        );
        for (const d of diff.slice(0, 5)) out(`      ${d}`);
        runs.push(r);
      }
      out(`  round ${round} took ${secs(Date.now() - start)} s`);
    }
    const wallMs = performance.now() - t0;
    const machine1 = machineCpuS();
    const childrenCpu = childrenCpuS() - children0;

    const stats = await admin(emu.url, 'stats');
    const log = await admin(emu.url, 'log');
    const finalState = await admin(emu.url, 'state');
    const saturation =
      opts['saturation-calls'] > 0 && !interrupted
        ? await saturate(emu.url, checkouts, pkg, sharedOrgId(0), opts['saturation-calls'])
        : undefined;
    const dups = duplicates(finalState);
    const duplicateCount = dups.reduce((a, d) => a + d.extra, 0);
    const requests = stats.totalRequests;
    const throttled = stats.throttled;
    const maxInFlight = stats.maxInFlight[accountKey] ?? 0;
    const floorS = (requests * (opts['latency-ms'] / 1000)) / SLOTS;
    const attempts = runs.flatMap((r) => r.attempts);
    const byOutcome = new Map();
    for (const a of attempts) {
      const k = a.outcome.replace(/\d+ hook lines/, 'N hook lines');
      byOutcome.set(k, (byOutcome.get(k) ?? 0) + 1);
    }
    const errorCounts = new Map();
    for (const a of attempts)
      for (const e of a.errors) {
        const k = e.replace(/00[oT][A-Za-z0-9]{17,}/g, '<id>').replace(/\d+ ms/g, 'N ms');
        errorCounts.set(k, (errorCounts.get(k) ?? 0) + 1);
      }

    out('summary:');
    out(
      `  attempts ${attempts.length} for ${runs.length} runs: ${[...byOutcome].map(([k, v]) => `${v}x ${k}`).join(', ')}; ` +
        `agents killed in ${attempts.filter((a) => a.agentKilledAt !== undefined).length} attempts`,
    );
    if (errorCounts.size > 0) {
      out('  error lines of failed attempts (count x line):');
      for (const [k, v] of [...errorCounts].sort((a, b) => b[1] - a[1]).slice(0, 12)) out(`    ${v}x ${k}`);
    }
    const sorted = Object.fromEntries(Object.entries(stats.byRoute).sort(([a], [b]) => a.localeCompare(b)));
    out(`  requests by route: ${routeSummary(sorted)}`);
    out(
      `  writes ${stats.writes}; tokens issued ${JSON.stringify(stats.tokensIssued)}; max in flight account ${maxInFlight} ` +
        `(cap ${SLOTS}), per org max ${Math.max(0, ...Object.values(stats.maxInFlightOrg ?? {}))}`,
    );
    for (const line of throttleProfile(log, roundSpans)) out(`  ${line}`);
    if (log.length < requests)
      out(`  (the emulator's log kept the last ${log.length} of ${requests} requests)`);
    const busy = machine1.busy - machine0.busy;
    const total = machine1.total - machine0.total;
    out(
      `  CPU: machine ${busy.toFixed(1)} of ${total.toFixed(1)} CPU-s busy (${((100 * busy) / Math.max(1, total)).toFixed(0)}%, all users); ` +
        `terraform, hooks and the CLI ${childrenCpu.toFixed(1)} CPU-s; wall / floor ${(wallMs / 1000 / Math.max(0.01, floorS)).toFixed(1)}`,
    );
    if (dups.length > 0)
      out(`  duplicates: ${dups.map((d) => `${d.principal} in ${d.org} (+${d.extra})`).join(', ')}`);
    if (saturation) {
      const st = saturation.stats;
      const per = saturation.results.map((r, c) =>
        r.error
          ? `c${c} ${r.error}`
          : `c${c} ${secs(r.ms)} s, ${r.failed} failed, ${r.counters.requests} requests, ${r.counters.throttled} x 429, agent window after ${Number(r.window).toFixed(2)}`,
      );
      const n = opts['saturation-calls'] * checkouts.length;
      out(
        `saturation (${checkouts.length} machines x ${opts['saturation-calls']} reads at once, each through its own agent; ` +
          `same faults): requests=${st.totalRequests} throttled=${st.throttled} ` +
          `throttled_pct=${((100 * st.throttled) / Math.max(1, st.totalRequests)).toFixed(2)} ` +
          `max_in_flight=${st.maxInFlight[accountKey] ?? 0} wall_s=${secs(saturation.ms)} floor_s=${((n * opts['latency-ms']) / 1000 / SLOTS).toFixed(2)}`,
      );
      out(`  per machine (agent counters): ${per.join('; ')}`);
    }
    const pct = (100 * throttled) / Math.max(1, requests);
    const targets = [
      [`every run converges (${converged}/${runs.length})`, converged === runs.length],
      [`0 duplicates (${duplicateCount})`, duplicateCount === 0],
      [`0 lost writes (${lostWrites})`, lostWrites === 0],
      [`throttled_pct <= 5 (${pct.toFixed(2)})`, pct <= 5],
    ];
    out(`targets: ${targets.map(([what, met]) => `${what} ${met ? 'met' : 'MISSED'}`).join('; ')}`);
    lastLine =
      `contention-bench: runs=${runs.length} converged=${converged} duplicates=${duplicateCount} lost_writes=${lostWrites} ` +
      `requests=${requests} throttled=${throttled} throttled_pct=${pct.toFixed(2)} max_in_flight=${maxInFlight} ` +
      `wall_s=${secs(wallMs)} floor_s=${floorS.toFixed(2)}`;
    if (targets.some(([, met]) => !met)) process.exitCode = 2;
  } finally {
    killGroups();
    // A failure while cleaning up is reported, and never hides the run's own error.
    const leftover = await stopAgentsAndWait(checkouts.map((c) => c.agentDir)).catch((e) => {
      process.stderr.write(`contention-bench: stopping the agents failed: ${e.message}\n`);
      return 0;
    });
    if (leftover > 0)
      process.stderr.write(`contention-bench: ${leftover} agent(s) needed SIGKILL at clean-up\n`);
    await Promise.resolve(emu?.stop()).catch((e) =>
      process.stderr.write(`contention-bench: stopping the emulator failed: ${e.message}\n`),
    );
    if (opts.keep) process.stderr.write(`contention-bench: scratch folder kept: ${tmp}\n`);
    else {
      // A process killed mid-write may still be leaving files.
      try {
        fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
      } catch (e) {
        process.stderr.write(`contention-bench: could not remove the scratch folder ${tmp}: ${e.message}\n`);
      }
    }
    const stray = checkouts.flatMap((c) => agentPids(c.agentDir));
    if (stray.length > 0)
      process.stderr.write(`contention-bench: agents still running: ${stray.join(', ')}\n`);
    out(
      `clean-up done (terraform, agents, emulator, scratch folder); whole benchmark ${secs(performance.now() - started)} s`,
    );
  }
  // Printed after the clean-up, so that it is the last line on both streams.
  out(lastLine);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`contention-bench: ${err.stack ?? err.message}\n`);
    process.exitCode = 1;
  });
}

module.exports = { saturate, desiredOf, differences, duplicates, killPlan };
