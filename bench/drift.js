#!/usr/bin/env node
'use strict';
/**
 * Drift benchmark (`npm run bench:drift` = `npm run build && node bench/drift.js`).
 *
 * Work: one Aerial account with 500 linked orgs (each with a product set) and 500 principal rate limits over
 * 10 orgs' Principal Rate Limits APIs (50 SSWS API tokens per org): 1,500 constructs, 3,000 lifecycle
 * resources. Emulator in this process, 100 ms latency, 10 requests in flight per Aerial account.
 * A few objects are drifted on purpose (see DRIFT), so the expected result is exact.
 *
 * Set-up (not measured): the stack is synthesized with cdktf, and its Terraform state is written directly in
 * Terraform's state format v4, exactly as `terraform apply` would record it (deploying 3,000 lifecycle
 * resources through Terraform would take many minutes). The set-up is checked once with `terraform show
 * -json` (every resource, its input and triggers) and `terraform plan -detailed-exitcode` ("No changes"),
 * then `.terraform` is removed so the measured run starts like a fresh pipeline checkout.
 * The state writer itself is checked first: a tiny stack of the same shape is deployed for real with
 * `terraform apply` and Terraform's state file is compared with what the writer makes for it
 * (`node bench/drift.js --check-state-writer` runs only that check).
 *
 * Measured: the real CLI, as a user runs it: `node bin/okta-aerial.js drift --app <cdktf.out> --json`
 * (spawned without a shell; terraform init + show, a cold deploy agent, every read), end to end.
 * requests = every API request the emulator counted during that run (token requests included).
 * Then a diagnostic run of the same command (terraform wrapped to time its calls) and a few separate timings
 * show where the time goes; they do not change the measured figures.
 *
 * Last line: drift-bench: requests=<n> naive_requests=<one GET per object> wall_s=<s>
 *   floor_s=<requests * 0.1 / 10> ratio=<wall_s / floor_s>
 */
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const ROOT = path.join(__dirname, '..');
const lib = path.join(ROOT, 'lib');
const CLI = path.join(ROOT, 'bin', 'okta-aerial.js');
const { App, LocalBackend, TerraformStack } = require('cdktf');
const { AerialAccount, AerialOrg, OktaOrg, PrincipalRateLimit, ProductAssignment } = require(lib);
const { startEmulator, demoSeed, DEMO } = require(path.join(lib, 'emulator'));
const { cliEnv, mustRun, routeSummary, run, stopAgents } = require('./support');

const SHAPE = { orgs: 500, apiOrgs: 10, limitsPerOrg: 50 };
const TINY = { orgs: 4, apiOrgs: 2, limitsPerOrg: 2 };
const LATENCY_MS = 100;
const SLOTS = 10;
const STACK = 'drift';
const ACCOUNT_KEY = `production/${DEMO.accountId}`;
const PRODUCT_SETS = [
  ['P000052'],
  ['P000052', 'P000131'],
  ['P000052', 'P000139', 'P001113'],
  [],
  ['P000131'],
];
/** Objects whose live state differs from the code on purpose. */
const DRIFT = {
  status: [7, 129, 377], // org index: live status is the opposite of the desired one
  products: [11, 222, 444], // org index: live product set is the next set
  limits: [
    [0, 5],
    [4, 17],
    [9, 49],
  ], // [api org index, principal index]: live percentages are shifted
};

const pad = (n, w) => String(n).padStart(w, '0');
const orgId = (i) => `00oDriftOrg${pad(i, 9)}`;
const sub = (i) => `drift-${pad(i, 3)}`;
const adminToken = (i) => `00TDrift${pad(i, 3)}Admin0000`;
const principal = (i, p) => `00TDrift${pad(i, 3)}Tok${pad(p, 6)}`;
const statusOf = (i) => (i % 10 === 9 ? 'INACTIVE' : 'ACTIVE');
const productsOf = (i) => PRODUCT_SETS[i % PRODUCT_SETS.length];
const percentOf = (p, bump = 0) => [10 + ((p * 7 + bump) % 90), 5 + ((p * 3 + bump) % 95)];
const isDriftedLimit = (i, p) => DRIFT.limits.some(([a, b]) => a === i && b === p);
const out = (line) => process.stdout.write(`${line}\n`);
const secs = (ms) => (ms / 1000).toFixed(2);

// ------------------------------------------------------------------------------------------------ seed

/** The demo seed plus `shape.orgs` linked orgs; the first `apiOrgs` have 50 principals with entities. */
function seed(shape) {
  const s = demoSeed();
  for (let i = 0; i < shape.orgs; i++) {
    const api = i < shape.apiOrgs;
    const status = DRIFT.status.includes(i)
      ? statusOf(i) === 'ACTIVE'
        ? 'INACTIVE'
        : 'ACTIVE'
      : statusOf(i);
    const products = DRIFT.products.includes(i) ? PRODUCT_SETS[(i + 1) % PRODUCT_SETS.length] : productsOf(i);
    const limits = api ? shape.limitsPerOrg : 0;
    s.orgs.push({
      id: orgId(i),
      domain: `${sub(i)}.okta.com`,
      cell: 'ok1',
      status,
      contractAccountId: DEMO.accountId,
      consentAccountId: DEMO.accountId,
      linkedAccountId: DEMO.accountId,
      enabledProducts: [...products],
      ...(api && {
        principals: [
          { id: adminToken(i), type: 'SSWS_TOKEN' },
          ...Array.from({ length: limits }, (_, p) => ({ id: principal(i, p), type: 'SSWS_TOKEN' })),
        ],
        apiTokens: [{ principalId: adminToken(i) }],
        rateLimits: Array.from({ length: limits }, (_, p) => {
          const [rate, conc] = percentOf(p, isDriftedLimit(i, p) ? 3 : 0);
          return {
            principalId: principal(i, p),
            principalType: 'SSWS_TOKEN',
            defaultPercentage: rate,
            defaultConcurrencyPercentage: conc,
          };
        }),
      }),
    });
  }
  return s;
}

// ------------------------------------------------------------------------------------------------ stack

/** Synthesizes the stack (desired state = the seed without the deliberate drift) into `dir`. */
function synth(dir, creds, shape) {
  const outdir = path.join(dir, 'cdktf.out');
  fs.mkdirSync(outdir, { recursive: true });
  // skipValidation: cdktf's TerraformDataResource validates the Terraform version by running `terraform
  // version` once per resource (3,000 subprocesses, ~4 minutes here); it changes nothing in the output.
  const app = new App({ outdir, skipValidation: true });
  const stack = new TerraformStack(app, STACK);
  const stateFile = path.join(dir, 'terraform.tfstate');
  new LocalBackend(stack, { path: stateFile });
  const account = new AerialAccount(stack, 'Account', {
    accountId: creds.OKTA_AERIAL_ACCOUNT_ID,
    baseUrl: creds.OKTA_AERIAL_BASE_URL,
    tokenUrl: creds.OKTA_AERIAL_TOKEN_URL,
    clientId: creds.OKTA_AERIAL_CLIENT_ID,
  });
  for (let i = 0; i < shape.orgs; i++) {
    const org = new AerialOrg(stack, `Org${i}`, { account, orgId: orgId(i), status: statusOf(i) });
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
  return { outdir, stackDir: path.join(outdir, 'stacks', STACK), stateFile };
}

/** The constructs the drift run must report as drifted, by path, with the drifted field. */
function expectedDrift(shape) {
  const m = new Map();
  for (const i of DRIFT.status) if (i < shape.orgs) m.set(`${STACK}/Org${i}`, 'status');
  for (const i of DRIFT.products) if (i < shape.orgs) m.set(`${STACK}/Products${i}`, 'productIds');
  for (const [i, p] of DRIFT.limits) {
    if (i < shape.apiOrgs && p < shape.limitsPerOrg) m.set(`${STACK}/Limit${i}x${p}`, 'defaultPercentage');
  }
  return m;
}

// ------------------------------------------------------------------------------------------------ state writer

/** The cty type Terraform records beside a dynamic value (terraform_data's input, output, triggers_replace). */
function ctyType(v) {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return ['tuple', v.map(ctyType)];
  if (v !== null && typeof v === 'object') {
    return ['object', Object.fromEntries(Object.entries(v).map(([k, x]) => [k, ctyType(x)]))];
  }
  throw new Error(`state writer: no cty type for ${JSON.stringify(v)}`);
}

/** A literal of Terraform's JSON syntax as Terraform evaluates it; templates are refused (none here). */
function literal(v, where) {
  if (typeof v === 'string') {
    if (/(^|[^$%])[$%]\{/.test(v)) throw new Error(`state writer: ${where} is a template: ${v}`);
    return v.replace(/([$%])\1\{/g, '$1{');
  }
  if (Array.isArray(v)) return v.map((x, i) => literal(x, `${where}[${i}]`));
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, literal(x, `${where}.${k}`)]));
  }
  return v;
}

const dynamic = (v, where) => (v === undefined ? null : { value: literal(v, where), type: ctyType(v) });

/**
 * Writes the state `terraform apply` would leave for the synthesized stack: every terraform_data resource
 * created, input = output = the synthesized input, triggers_replace as synthesized, dependencies = the
 * transitive closure of depends_on (Terraform records it sorted). Returns the number of resources.
 */
function writeState(stackDir, stateFile, terraformVersion) {
  const config = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
  const bodies = new Map();
  for (const [type, items] of Object.entries(config.resource ?? {})) {
    if (type !== 'terraform_data')
      throw new Error(`state writer: only terraform_data is supported, not ${type}`);
    for (const [name, body] of Object.entries(items)) bodies.set(`${type}.${name}`, body);
  }
  const closure = new Map();
  const depsOf = (address) => {
    let deps = closure.get(address);
    if (deps) return deps;
    deps = new Set();
    for (const d of bodies.get(address).depends_on ?? []) {
      if (!bodies.has(d)) throw new Error(`state writer: ${address} depends on unknown ${d}`);
      deps.add(d);
      for (const x of depsOf(d)) deps.add(x);
    }
    closure.set(address, deps);
    return deps;
  };
  const resources = [...bodies.keys()].sort().map((address) => {
    const body = bodies.get(address);
    const name = address.slice('terraform_data.'.length);
    const dependencies = [...depsOf(address)].sort();
    return {
      mode: 'managed',
      type: 'terraform_data',
      name,
      provider: 'provider["terraform.io/builtin/terraform"]',
      instances: [
        {
          schema_version: 0,
          attributes: {
            id: crypto.randomUUID(),
            input: dynamic(body.input, `${address}.input`),
            output: dynamic(body.input, `${address}.input`),
            triggers_replace: dynamic(body.triggers_replace, `${address}.triggers_replace`),
          },
          sensitive_attributes: [],
          ...(dependencies.length > 0 && { dependencies }),
        },
      ],
    };
  });
  const state = {
    version: 4,
    terraform_version: terraformVersion,
    serial: 1,
    lineage: crypto.randomUUID(),
    outputs: {},
    resources,
    check_results: null,
  };
  fs.writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);
  return resources.length;
}

// ------------------------------------------------------------------------------------------------ processes

// ------------------------------------------------------------------------------------------------ checks

/** Deploys a tiny stack for real and compares Terraform's state with the writer's (ids, lineage, serial aside). */
async function checkStateWriter(tfVersion) {
  const emu = await startEmulator({ quiet: true, seed: seed(TINY) });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-aerial-bench-drift-check-'));
  try {
    const creds = emu.credentials();
    const { stackDir, stateFile } = synth(dir, creds, TINY);
    const env = cliEnv(creds, path.join(dir, 'agent'));
    await mustRun('terraform', ['init', '-input=false', '-no-color'], stackDir, env);
    await mustRun('terraform', ['apply', '-auto-approve', '-input=false', '-no-color'], stackDir, env);
    const real = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
    const mineFile = path.join(dir, 'written.tfstate');
    const n = writeState(stackDir, mineFile, tfVersion);
    const mine = JSON.parse(fs.readFileSync(mineFile, 'utf8'));
    const norm = (s) =>
      canonical({
        ...s,
        serial: 0,
        lineage: '',
        resources: s.resources
          .map((r) => ({
            ...r,
            instances: r.instances.map((i) => ({ ...i, attributes: { ...i.attributes, id: '' } })),
          }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      });
    const same = norm(real) === norm(mine);
    out(
      `state writer check: ${n} resources deployed by terraform apply vs written: ` +
        (same ? 'identical apart from ids, lineage and serial' : 'DIFFERENT'),
    );
    if (!same) {
      fs.writeFileSync('/tmp/drift-bench-real.json', norm(real));
      fs.writeFileSync('/tmp/drift-bench-mine.json', norm(mine));
      out('  (normalized copies in /tmp/drift-bench-real.json and /tmp/drift-bench-mine.json)');
      process.exitCode = 1;
    }
    stopAgents([path.join(dir, 'agent')]);
  } finally {
    await emu.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function canonical(v) {
  const sort = (x) =>
    Array.isArray(x)
      ? x.map(sort)
      : x !== null && typeof x === 'object'
        ? Object.fromEntries(
            Object.keys(x)
              .sort()
              .map((k) => [k, sort(x[k])]),
          )
        : x;
  return JSON.stringify(sort(v), null, 1);
}

/** Checks the written state through Terraform: `show -json` has every resource as synthesized; plan is clean. */
async function verifySetup(stackDir, env, resourceCount) {
  await mustRun('terraform', ['init', '-input=false', '-no-color'], stackDir, env);
  const show = await mustRun('terraform', ['show', '-json', '-no-color'], stackDir, env);
  const doc = JSON.parse(show.stdout);
  const config = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')).resource
    .terraform_data;
  const shown = doc.values?.root_module?.resources ?? [];
  const bad = shown.filter((r) => {
    const body = config[r.name];
    return (
      !body ||
      canonical(r.values.input) !== canonical(body.input) ||
      canonical(r.values.output) !== canonical(body.input) ||
      canonical(r.values.triggers_replace) !== canonical(body.triggers_replace)
    );
  });
  if (shown.length !== resourceCount || bad.length > 0) {
    throw new Error(
      `setup check: terraform show -json has ${shown.length} resources, ${bad.length} not as synthesized`,
    );
  }
  out(
    `setup check: terraform show -json: ${shown.length} resources, all as synthesized (${secs(show.ms)} s)`,
  );
  if (process.env.DRIFT_BENCH_SKIP_PLAN === '1') {
    out('setup check: terraform plan skipped (DRIFT_BENCH_SKIP_PLAN=1)');
  } else {
    const plan = await run(
      'terraform',
      ['plan', '-detailed-exitcode', '-input=false', '-no-color', '-lock=false'],
      stackDir,
      env,
    );
    const noChanges = plan.code === 0 && /No changes\./.test(plan.stdout);
    out(
      `setup check: terraform plan: ${noChanges ? '"No changes."' : `NOT clean (exit ${plan.code})`} (${secs(plan.ms)} s)`,
    );
    if (!noChanges)
      throw new Error(`setup check: terraform plan:\n${(plan.stdout + plan.stderr).slice(-3000)}`);
  }
  // The measured run starts like a fresh pipeline checkout: the CLI runs terraform init itself.
  fs.rmSync(path.join(stackDir, '.terraform'), { recursive: true, force: true });
  fs.rmSync(path.join(stackDir, '.terraform.lock.hcl'), { force: true });
}

/** Checks the CLI's answer: exit code 2, and exactly the seeded drift. Returns the summary. */
function checkResult(r, shape) {
  let doc;
  try {
    doc = JSON.parse(r.stdout);
  } catch {
    throw new Error(`drift printed no JSON (exit ${r.code}):\n${r.stderr.slice(-3000)}`);
  }
  const total = shape.orgs * 2 + shape.apiOrgs * shape.limitsPerOrg;
  const want = expectedDrift(shape);
  const problems = [];
  if (r.code !== 2) problems.push(`exit code ${r.code}, want 2 (drift found)`);
  if (doc.constructs.length !== total) problems.push(`${doc.constructs.length} constructs, want ${total}`);
  const s = doc.summary;
  if (s['in-sync'] !== total - want.size) problems.push(`${s['in-sync']} in sync, want ${total - want.size}`);
  if (s.drifted !== want.size) problems.push(`${s.drifted} drifted, want ${want.size}`);
  if (s.missing !== 0 || s['not-deployed'] !== 0)
    problems.push(`missing ${s.missing}, not deployed ${s['not-deployed']}`);
  for (const e of doc.constructs) {
    const field = want.get(e.path);
    if (field && (e.status !== 'drifted' || !e.fields.some((f) => f.field === field))) {
      problems.push(`${e.path}: ${e.status}, want drifted in ${field}`);
    } else if (!field && e.status !== 'in-sync') {
      problems.push(`${e.path}: ${e.status}, want in-sync`);
    }
  }
  if (problems.length) throw new Error(`drift result is wrong:\n  ${problems.slice(0, 20).join('\n  ')}`);
  return s;
}

// ------------------------------------------------------------------------------------------------ diagnostics

/** Request timeline from the emulator log, in ms since the CLI was spawned (log ts = when a request ended). */
function timeline(log, spawnedEpochMs) {
  const at = (e) => Date.parse(e.ts) - spawnedEpochMs;
  const byRoute = new Map();
  for (const e of log) {
    const list = byRoute.get(e.route) ?? [];
    list.push(at(e));
    byRoute.set(e.route, list);
  }
  const span = (route) => {
    const t = byRoute.get(route);
    if (!t || t.length === 0) return undefined;
    return { n: t.length, firstEnd: Math.min(...t), lastEnd: Math.max(...t) };
  };
  const all = log.map(at);
  return {
    token: span('oauth.token'),
    listOrgs: span('aerial.listOrgs'),
    products: span('aerial.getProducts'),
    prl: span('prl.list'),
    firstStart: Math.min(...all) - LATENCY_MS,
    lastEnd: Math.max(...all),
  };
}

function printTimeline(t, wallMs) {
  const f = (x) => (x === undefined ? '-' : secs(x));
  const line = (name, s) =>
    s &&
    out(
      `  ${name.padEnd(22)} ${String(s.n).padStart(4)} requests, ended ${f(s.firstEnd)} s .. ${f(s.lastEnd)} s`,
    );
  out(`  first API request sent   ${f(t.firstStart)} s after spawn`);
  line('oauth.token', t.token);
  line('aerial.listOrgs (100)', t.listOrgs);
  line('prl.list (50)', t.prl);
  line('aerial.getProducts', t.products);
  out(`  last API answer          ${f(t.lastEnd)} s; CLI exited ${f(wallMs)} s`);
  if (t.products) {
    const busy = t.products.lastEnd - (t.products.firstEnd - LATENCY_MS);
    out(
      `  products GETs: ${t.products.n} x ${LATENCY_MS} ms in ${secs(busy)} s = ${((t.products.n * LATENCY_MS) / busy).toFixed(1)} in flight on average (cap ${SLOTS})`,
    );
  }
}

/** A terraform that logs when each of its calls starts and ends (epoch ms), for the diagnostic run. */
function terraformWrapper(dir) {
  const which = execFileSync('sh', ['-c', 'command -v terraform'], { encoding: 'utf8' });
  const file = path.join(dir, 'terraform-timed.sh');
  const logFile = path.join(dir, 'terraform-times.log');
  fs.writeFileSync(
    file,
    `#!/bin/sh\nms() { echo $(($(date +%s%N) / 1000000)); }\necho "start $(ms) $1" >> '${logFile}'\n` +
      `'${which.trim()}' "$@"\nrc=$?\necho "end $(ms) $1" >> '${logFile}'\nexit $rc\n`,
    { mode: 0o755 },
  );
  return { file, logFile };
}

// ------------------------------------------------------------------------------------------------ main

async function main() {
  const tfVersion = JSON.parse(
    (await mustRun('terraform', ['version', '-json'], ROOT, process.env)).stdout,
  ).terraform_version;
  // The state writer, checked against a real `terraform apply` of a tiny stack of the same shape.
  await checkStateWriter(tfVersion);
  if (process.argv.includes('--check-state-writer') || process.exitCode) return;

  const constructs = SHAPE.orgs * 2 + SHAPE.apiOrgs * SHAPE.limitsPerOrg;
  out(
    `work: drift of ${SHAPE.orgs} orgs + ${SHAPE.orgs} product sets + ${SHAPE.apiOrgs * SHAPE.limitsPerOrg} principal ` +
      `rate limits over ${SHAPE.apiOrgs} orgs (${constructs} constructs, ${constructs * 2} lifecycle resources); ` +
      `emulator latency ${LATENCY_MS} ms, ${SLOTS} slots per account; ${expectedDrift(SHAPE).size} objects drifted on purpose`,
  );
  out(
    `machine: nproc ${os.cpus().length}, load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}, node ${process.version}, terraform ${tfVersion}`,
  );

  const emu = await startEmulator({
    quiet: true,
    seed: seed(SHAPE),
    latencyMs: LATENCY_MS,
    aerialConcurrency: SLOTS,
    randomSeed: 1,
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-aerial-bench-drift-'));
  const agentDirs = [path.join(dir, 'agent'), path.join(dir, 'agent-diag')];
  try {
    const creds = emu.credentials();
    let t = performance.now();
    const { outdir, stackDir, stateFile } = synth(dir, creds, SHAPE);
    out(`setup: synthesized in ${secs(performance.now() - t)} s`);
    t = performance.now();
    const n = writeState(stackDir, stateFile, tfVersion);
    out(
      `setup: wrote the Terraform state directly (${n} resources, ${(fs.statSync(stateFile).size / 1e6).toFixed(1)} MB) in ${secs(performance.now() - t)} s`,
    );
    await verifySetup(stackDir, cliEnv(creds, agentDirs[0]), n);

    // ---- the measured run
    out(
      `load average before the measured run ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    const args = [CLI, 'drift', '--app', outdir, '--json'];
    emu.reset();
    const spawnedAt = Date.now();
    const r = await run(process.execPath, args, ROOT, cliEnv(creds, agentDirs[0]));
    const stats = emu.stats();
    const log = emu.log();
    const summary = checkResult(r, SHAPE);
    const wallS = r.ms / 1000;
    const requests = stats.totalRequests;
    const tokens = Object.values(stats.tokensIssued).reduce((a, b) => a + b, 0);
    out(
      `drift run: exit ${r.code}, ${summary['in-sync']} in sync, ${summary.drifted} drifted, ${summary.missing} missing, ` +
        `${summary['not-deployed']} not deployed: as seeded`,
    );
    const routes = routeSummary(stats.byRoute);
    out(
      `requests counted by the emulator (stats().totalRequests: every API request, token requests included): ${requests} = ${routes}`,
    );
    out(
      `max in flight per account: ${JSON.stringify(stats.maxInFlight)} (cap ${SLOTS}); per org max ${Math.max(0, ...Object.values(stats.maxInFlightOrg))}; ` +
        `tokens issued ${tokens} ${JSON.stringify(stats.tokensIssued)}; 429s ${stats.throttled}; writes ${stats.writes}`,
    );
    const maxAccount = stats.maxInFlight[ACCOUNT_KEY] ?? 0;
    if (maxAccount > SLOTS) throw new Error(`max in flight ${maxAccount} > ${SLOTS}`);
    if (stats.writes !== 0) throw new Error(`drift wrote ${stats.writes} times`);
    out(`timeline of the measured run:`);
    printTimeline(timeline(log, spawnedAt), r.ms);

    // ---- diagnostics (not measured): where the time goes
    const tf = terraformWrapper(dir);
    fs.rmSync(path.join(stackDir, '.terraform'), { recursive: true, force: true }); // fresh checkout again
    emu.reset();
    const diagSpawned = Date.now();
    const d = await run(
      process.execPath,
      args,
      ROOT,
      cliEnv(creds, agentDirs[1], { OKTA_AERIAL_TERRAFORM: tf.file }),
    );
    checkResult(d, SHAPE);
    // With a local backend the CLI reads the state file itself and never starts terraform.
    const calls = fs.existsSync(tf.logFile)
      ? fs
          .readFileSync(tf.logFile, 'utf8')
          .trim()
          .split('\n')
          .map((l) => l.split(' '))
      : [];
    out(
      `diagnostic run (same command, fresh .terraform, terraform timed through a sh wrapper): ${secs(d.ms)} s` +
        (calls.length === 0 ? ' (terraform was not run: the local state file was read directly)' : ''),
    );
    let terraformEnd = 0;
    for (const [kind, ms, cmd] of calls) {
      if (kind !== 'end') continue;
      const start = calls.find(([k, , c]) => k === 'start' && c === cmd);
      terraformEnd = Math.max(terraformEnd, Number(ms) - diagSpawned);
      out(
        `  terraform ${cmd.padEnd(5)} ran ${secs(Number(start[1]) - diagSpawned)} s .. ${secs(Number(ms) - diagSpawned)} s after spawn`,
      );
    }
    const dt = timeline(emu.log(), diagSpawned);
    printTimeline(dt, d.ms);
    if (calls.length > 0)
      out(
        `  => API reads ${dt.firstStart >= terraformEnd ? 'start only after terraform has finished (no overlap)' : 'overlap terraform'}: ` +
          `terraform ${secs(terraformEnd)} s + API ${secs(dt.lastEnd - dt.firstStart)} s (first request to last answer)`,
      );
    await mustRun('terraform', ['init', '-input=false', '-no-color'], stackDir, cliEnv(creds, agentDirs[1]));
    const pull = await mustRun('terraform', ['state', 'pull'], stackDir, cliEnv(creds, agentDirs[1]));
    const show = await mustRun(
      'terraform',
      ['show', '-json', '-no-color'],
      stackDir,
      cliEnv(creds, agentDirs[1]),
    );
    t = performance.now();
    JSON.parse(fs.readFileSync(stateFile, 'utf8'));
    const parseMs = performance.now() - t;
    out(
      `reading the state alone: terraform show -json ${secs(show.ms)} s, terraform state pull ${secs(pull.ms)} s, ` +
        `JSON.parse of the ${(fs.statSync(stateFile).size / 1e6).toFixed(1)} MB state file in node ${secs(parseMs)} s`,
    );
    const help = await run(process.execPath, [CLI, '--help'], ROOT, cliEnv(creds, agentDirs[1]));
    out(`node start + CLI entry (okta-aerial --help): ${secs(help.ms)} s`);
    out(
      `load average now ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );

    out(
      `naive_requests = ${SHAPE.orgs} org GETs + ${SHAPE.orgs} product-set GETs + ${SHAPE.apiOrgs * SHAPE.limitsPerOrg} ` +
        `rate-limit GETs = ${SHAPE.orgs * 2 + SHAPE.apiOrgs * SHAPE.limitsPerOrg} (one GET per object, no token request counted)`,
    );
    const naive = SHAPE.orgs * 2 + SHAPE.apiOrgs * SHAPE.limitsPerOrg;
    const floorS = (requests * (LATENCY_MS / 1000)) / SLOTS;
    out(
      `targets: requests/naive = ${(requests / naive).toFixed(3)} (target <= 0.333), ratio = ${(wallS / floorS).toFixed(2)} (target <= 1.5)`,
    );
    out(
      `drift-bench: requests=${requests} naive_requests=${naive} wall_s=${wallS.toFixed(2)} ` +
        `floor_s=${floorS.toFixed(2)} ratio=${(wallS / floorS).toFixed(2)}`,
    );
  } finally {
    stopAgents(agentDirs);
    await emu.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`drift-bench: ${err.stack ?? err.message}\n`);
  process.exitCode = 1;
});
