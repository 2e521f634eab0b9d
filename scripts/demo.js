#!/usr/bin/env node
'use strict';
/**
 * `npm run demo`: starts the local emulator (state kept in .okta-aerial/), deploys examples/multi-org with the
 * real `cdktf deploy` against it, prints the resulting state of the account, says how to change or
 * destroy it, and ends with `okta-aerial show` (the same account, read through the Okta APIs).
 * `npm run demo -- destroy` runs `cdktf destroy` the same way; `-- reset` forgets all demo state.
 * Every child process is spawned without a shell; nothing from the stack reaches a command line.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const STATE_DIR = path.join(ROOT, '.okta-aerial');
const EMULATOR_STATE = path.join(STATE_DIR, 'emulator-state.json');
// A fixed port: org URLs are part of a principal rate limit's natural key, so they must not move between runs.
const PORT = Number(process.env.OKTA_AERIAL_DEMO_PORT || 8787);
const STACK = 'multi-org';
const ACTIONS = ['deploy', 'destroy', 'reset'];

function say(line = '') {
  process.stdout.write(`${line}\n`);
}

function startEmulator() {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        path.join(ROOT, 'bin/okta-aerial.js'),
        'emulator',
        '--port',
        String(PORT),
        '--state',
        EMULATOR_STATE,
        '--quiet',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    const fail = (why) => {
      child.kill('SIGTERM');
      reject(new Error(`${why}\n${err.trim()}`));
    };
    const timer = setTimeout(() => fail('the emulator did not report ready within 20 s'), 20000);
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl === -1) return;
      clearTimeout(timer);
      try {
        resolve({ child, url: JSON.parse(out.slice(0, nl)).url });
      } catch {
        fail(`the emulator printed an unexpected first line: ${out.slice(0, nl)}`);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(
          `the emulator exited with code ${code} before it was ready` +
            (/EADDRINUSE/.test(err)
              ? ` (port ${PORT} is in use: set OKTA_AERIAL_DEMO_PORT to a free port)`
              : '') +
            `\n${err.trim()}`,
        ),
      );
    });
  });
}

async function getJson(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  return res.json();
}

function runCdktf(args, env) {
  return new Promise((resolve) => {
    const bin = path.join(ROOT, 'node_modules/.bin/cdktf');
    const child = spawn(bin, args, { cwd: ROOT, env, stdio: 'inherit' });
    child.on('error', (err) => {
      process.stderr.write(`demo: cannot run ${bin} (${err.message}); run \`npm install\` first\n`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(signal ? 1 : code));
  });
}

function printState(state, credentials) {
  const accountId = credentials.OKTA_AERIAL_ACCOUNT_ID;
  const account = (state.accounts || []).find((a) => a.id === accountId);
  say(`\nAerial account ${accountId}${account ? ` (${account.name})` : ''}:`);
  const orgs = (state.orgs || []).filter((o) => o.linkedAccountId === accountId && !o.deleted);
  for (const org of orgs) {
    const products = org.enabledProducts || [];
    say(
      `  ${org.id}  ${org.domain.padEnd(24)} ${String(org.status).padEnd(8)} ` +
        `${org.aerialOrg ? '(Aerial org)' : `products [${products.join(', ')}]`}`,
    );
    const limits = org.rateLimits || [];
    for (const e of limits) {
      say(
        `      rate limit ${e.principalType.padEnd(12)} ${e.principalId}  ` +
          `${e.defaultPercentage}% of rate, ${e.defaultConcurrencyPercentage}% of concurrency`,
      );
    }
  }
}

/**
 * `okta-aerial show` against the emulator: the account as read through the Okta APIs (what `npx okta-aerial
 * show` prints for a real account), with the rate limits of every linked org (one SSWS token per org, named
 * by {LABEL} as the emulator's credentials name them).
 */
function runShow(state, env) {
  const orgUrls = (state.orgs || [])
    .filter((o) => o.linkedAccountId === env.OKTA_AERIAL_ACCOUNT_ID && !o.deleted)
    .flatMap((o) => ['--org-url', o.url]);
  const args = [
    path.join(ROOT, 'bin/okta-aerial.js'),
    'show',
    '--account-id',
    env.OKTA_AERIAL_ACCOUNT_ID,
    '--base-url',
    env.OKTA_AERIAL_BASE_URL,
    '--token-url',
    env.OKTA_AERIAL_TOKEN_URL,
    '--client-id',
    env.OKTA_AERIAL_CLIENT_ID,
    ...orgUrls,
    '--api-token-env',
    'OKTA_API_TOKEN_{LABEL}',
  ];
  // The command as a user types it in this folder, with the emulator's credentials loaded (see `explore`).
  const { shellQuote } = require(path.join(ROOT, 'lib/emulator/credentials.js'));
  const typed = ['npx', 'okta-aerial', ...args.slice(1)].map((a) =>
    /^[\w./:@=-]+$/.test(a) ? a : shellQuote(a),
  );
  say(`$ ${typed.join(' ')}\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: 'inherit' });
    child.on('error', (err) => {
      process.stderr.write(`demo: cannot run okta-aerial show (${err.message})\n`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(signal ? 1 : code));
  });
}

async function main() {
  const action = process.argv[2] || 'deploy';
  if (!ACTIONS.includes(action)) {
    say(`usage: npm run demo [-- deploy|destroy|reset]   (got '${action}')`);
    return 2;
  }
  if (action === 'reset') {
    fs.rmSync(STATE_DIR, { recursive: true, force: true });
    fs.rmSync(path.join(ROOT, `terraform.${STACK}.tfstate`), { force: true });
    fs.rmSync(path.join(ROOT, `terraform.${STACK}.tfstate.backup`), { force: true });
    say('demo state removed (emulator state and Terraform state); `npm run demo` starts from scratch');
    return 0;
  }
  if (!fs.existsSync(path.join(ROOT, 'lib/cli/main.js'))) {
    say('lib/ is missing: run `npm run build` first (`npm run demo` builds it)');
    return 1;
  }
  fs.mkdirSync(STATE_DIR, { recursive: true, mode: 0o700 });
  const { child, url } = await startEmulator();
  try {
    say(`emulator running at ${url} (state in ${path.relative(ROOT, EMULATOR_STATE)})`);
    const credentials = await getJson(`${url}/__admin/credentials`);
    const env = {
      ...process.env,
      ...credentials,
      CHECKPOINT_DISABLE: '1',
      TF_CLI_CONFIG_FILE: path.join(ROOT, 'terraform.rc'),
      CI: '1',
    };
    const code = await runCdktf([action, STACK, '--auto-approve'], env);
    if (code !== 0) {
      say(
        `\ncdktf ${action} failed (exit ${code}); fix the cause shown above and run it again: hooks are idempotent.`,
      );
      return code || 1;
    }
    const state = await getJson(`${url}/__admin/state`);
    printState(state, credentials);
    say('\nNext:');
    say(
      '  change: edit examples/multi-org/stack.js (products, statuses, percentages), then `npm run demo` again',
    );
    if (action === 'destroy') say('  deploy again: `npm run demo`');
    else say('  destroy: `npm run demo -- destroy` (RETAIN resources stay in Okta; DESTROY ones are reset)');
    say('  start over: `npm run demo -- reset`');
    say(`  explore: npx okta-aerial emulator --port ${PORT} --state ${path.relative(ROOT, EMULATOR_STATE)}`);
    say(
      `           then, in another shell: eval "$(npx okta-aerial emulator credentials --url http://127.0.0.1:${PORT})"`,
    );
    say('\nThe account as `okta-aerial show` reads it through the Okta APIs:\n');
    return await runShow(state, env);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    process.stderr.write(`demo: ${err.message}\n`);
    process.exitCode = 1;
  },
);
