#!/usr/bin/env node
'use strict';
/**
 * Deploy benchmark (`npm run bench:deploy` = `npm run build && node bench/deploy.js`).
 *
 * The same stack, deployed twice through the real `terraform` binary against two fresh emulators (50 ms
 * latency, 10 requests in flight per Aerial account), side by side in one run:
 *   - agent:     the default: every hook is a thin client of the shared deploy agent;
 *   - in-process: OKTA_AERIAL_NO_AGENT=1: every hook loads the HTTP stack and fetches its own token.
 * Stack: 24 orgs linked by id, each with a product set, and 60 principal rate limits over 4 orgs' APIs
 * (108 constructs, 324 lifecycle resources), -parallelism=20.
 * Last line: deploy-bench: agent_speedup=<in-process seconds / agent seconds> agent_tokens=<n>
 *   inprocess_tokens=<n> agent_max_in_flight=<n> inprocess_max_in_flight=<n> agent_429=<n> inprocess_429=<n>
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const ROOT = path.join(__dirname, '..');
const lib = path.join(ROOT, 'lib');
const { App, LocalBackend, TerraformStack } = require('cdktf');
const { AerialAccount, AerialOrg, OktaOrg, PrincipalRateLimit, ProductAssignment } = require(lib);
const { startEmulator, demoSeed, DEMO } = require(path.join(lib, 'emulator'));

const ORGS = 24;
const API_ORGS = 4;
const PRINCIPALS_PER_ORG = 15;
const PARALLELISM = 20;
const pad = (n, w) => String(n).padStart(w, '0');
const orgId = (i) => `00oDeployBench${pad(i, 6)}`;
const sub = (i) => `bench-${pad(i, 3)}`;
const principal = (o, p) => `00TBench${pad(o, 3)}Tk${pad(p, 7)}`;

function seed() {
  const s = demoSeed();
  for (let i = 0; i < ORGS; i++) {
    const admin = `00TBench${pad(i, 3)}Admin0000`;
    s.orgs.push({
      id: orgId(i),
      domain: `${sub(i)}.okta.com`,
      cell: 'ok1',
      contractAccountId: DEMO.accountId,
      consentAccountId: DEMO.accountId,
      principals: [
        { id: admin, type: 'SSWS_TOKEN' },
        ...Array.from({ length: PRINCIPALS_PER_ORG }, (_, p) => ({
          id: principal(i, p),
          type: 'SSWS_TOKEN',
        })),
      ],
      apiTokens: [{ principalId: admin }],
    });
  }
  return s;
}

function synth(dir, creds) {
  const app = new App({ outdir: path.join(dir, 'cdktf.out') });
  const stack = new TerraformStack(app, 'bench');
  new LocalBackend(stack, { path: path.join(dir, 'terraform.tfstate') });
  const account = new AerialAccount(stack, 'Account', {
    accountId: creds.OKTA_AERIAL_ACCOUNT_ID,
    baseUrl: creds.OKTA_AERIAL_BASE_URL,
    tokenUrl: creds.OKTA_AERIAL_TOKEN_URL,
    clientId: creds.OKTA_AERIAL_CLIENT_ID,
  });
  for (let i = 0; i < ORGS; i++) {
    const org = new AerialOrg(stack, `Org${i}`, { account, orgId: orgId(i) });
    new ProductAssignment(stack, `Products${i}`, {
      org,
      productIds: i % 2 ? ['P000052'] : ['P000052', 'P000131'],
    });
    if (i >= API_ORGS) continue;
    const label = sub(i).toUpperCase().replace(/-/g, '_');
    const api = new OktaOrg(stack, `Api${i}`, {
      orgUrl: creds[`OKTA_ORG_URL_${label}`],
      apiTokenEnv: `OKTA_API_TOKEN_${label}`,
    });
    for (let p = 0; p < PRINCIPALS_PER_ORG; p++) {
      new PrincipalRateLimit(stack, `Limit${i}x${p}`, {
        org: api,
        principalId: principal(i, p),
        principalType: 'SSWS_TOKEN',
        defaultPercentage: 20 + p,
        defaultConcurrencyPercentage: 10 + p,
      });
    }
  }
  app.synth();
  return path.join(dir, 'cdktf.out', 'stacks', 'bench');
}

function terraform(args, cwd, env) {
  return new Promise((resolve, reject) => {
    const child = spawn('terraform', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`terraform ${args[0]}: ${out.slice(-3000)}`)),
    );
  });
}

async function run(name, extraEnv) {
  const emu = await startEmulator({ quiet: true, seed: seed(), latencyMs: 50 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `okta-aerial-bench-${name}-`));
  try {
    const creds = emu.credentials();
    const stackDir = synth(dir, creds);
    const env = {
      ...process.env,
      ...creds,
      ...extraEnv,
      CHECKPOINT_DISABLE: '1',
      TF_CLI_CONFIG_FILE: path.join(ROOT, 'terraform.rc'),
      OKTA_AERIAL_AGENT_DIR: path.join(dir, 'agent'),
    };
    await terraform(['init', '-input=false', '-no-color'], stackDir, env);
    emu.reset();
    const t0 = performance.now();
    await terraform(
      ['apply', '-auto-approve', '-input=false', '-no-color', `-parallelism=${PARALLELISM}`],
      stackDir,
      env,
    );
    const seconds = (performance.now() - t0) / 1000;
    const stats = emu.stats();
    const result = {
      seconds,
      tokens: Object.values(stats.tokensIssued).reduce((a, b) => a + b, 0),
      maxInFlight: stats.maxInFlight[`production/${DEMO.accountId}`] ?? 0,
      throttled: stats.throttled,
      requests: stats.totalRequests,
    };
    process.stdout.write(
      `${name.padEnd(10)} ${seconds.toFixed(2)} s, requests ${result.requests}, tokens ${result.tokens}, ` +
        `max in flight ${result.maxInFlight}, 429s ${result.throttled}\n`,
    );
    return result;
  } finally {
    await emu.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  process.stdout.write(
    `work: ${ORGS} orgs + ${ORGS} product sets + ${API_ORGS * PRINCIPALS_PER_ORG} principal rate limits ` +
      `(${(2 * ORGS + API_ORGS * PRINCIPALS_PER_ORG) * 3} lifecycle resources), terraform -parallelism=${PARALLELISM}, ` +
      `emulator latency 50 ms\n`,
  );
  const agent = await run('agent', {});
  const inprocess = await run('in-process', { OKTA_AERIAL_NO_AGENT: '1' });
  process.stdout.write(
    `deploy-bench: agent_speedup=${(inprocess.seconds / agent.seconds).toFixed(2)} agent_tokens=${agent.tokens} ` +
      `inprocess_tokens=${inprocess.tokens} agent_max_in_flight=${agent.maxInFlight} ` +
      `inprocess_max_in_flight=${inprocess.maxInFlight} agent_429=${agent.throttled} inprocess_429=${inprocess.throttled}\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`deploy-bench: ${err.message}\n`);
  process.exitCode = 1;
});
