#!/usr/bin/env node
'use strict';
/**
 * Client benchmark (`npm run bench:client` = `npm run build && node bench/client.js`).
 *
 * One run, two fresh emulators with the same seed (100 ms latency, 10 requests in flight per Aerial account
 * and per org), the same work for both contenders:
 *   - 500 principal-rate-limit reconciliations: read the principal's entity, then create it (250) or
 *     replace it (250);
 *   - 200 org reads (GET /{accountId}/api/v1/orgs/{orgId}) of 200 distinct orgs.
 * Ours: this library's in-process client, everything started at once (the limiter paces it).
 * SDK: @okta/okta-sdk-nodejs 8 as its README shows it, everything started at once, default retry settings:
 * `principalRateLimitApi` with an SSWS token for the reconciliations; the SDK has no Aerial API, so the org
 * reads use the same SDK's generic `http.http()` with its private-key OAuth (same retry executor).
 * The SDK gives up on many calls (2 retries on 429), so its time is measured until every item has succeeded,
 * re-running the failed items all at once again, as re-running a failed deploy would (capped in rounds and
 * time, see MAX_SDK_*). `sdk_failures` counts the items that failed in its first pass; if items are still
 * failing when the cap is reached, the time so far is used and they are counted in `sdk_unfinished`.
 * Last line: client-bench: speedup=<sdk seconds / our seconds> ours_failures=<n> sdk_failures=<n> ours_429=<n> sdk_429=<n>
 */
const { performance } = require('node:perf_hooks');
const path = require('node:path');

const lib = path.join(__dirname, '..', 'lib');
const { startEmulator, demoSeed, DEMO } = require(path.join(lib, 'emulator'));
const { openAerialClient, openPrincipalRateLimitClient, closeClients } = require(path.join(lib, 'client'));

const PRINCIPALS = 500;
const EXISTING = 250;
const ORGS = 200;
const LATENCY_MS = 100;
const SLOTS = 10;
const MAX_SDK_ROUNDS = 25;
const MAX_SDK_MS = 120_000;

const pad = (prefix, i) => `${prefix}${String(i).padStart(20 - prefix.length, '0')}`;
const principalIds = Array.from({ length: PRINCIPALS }, (_, i) => pad('00TBench', i));
const orgIds = Array.from({ length: ORGS }, (_, i) => pad('00oBench', i));
const desired = (i) => ({ defaultPercentage: 10 + (i % 80), defaultConcurrencyPercentage: 5 + (i % 90) });

function seed() {
  const s = demoSeed();
  const benchOrg = {
    id: '00oBenchPrlOrg000001',
    domain: 'bench-prl.okta.com',
    cell: 'ok1',
    principals: principalIds.map((id) => ({ id, type: 'SSWS_TOKEN' })),
    apiTokens: [{ principalId: principalIds[0] }],
    rateLimits: principalIds
      .slice(0, EXISTING)
      .map((principalId) => ({ principalId, principalType: 'SSWS_TOKEN' })),
  };
  const linked = orgIds.map((id, i) => ({
    id,
    domain: `bench-${i}.okta.com`,
    cell: 'ok1',
    contractAccountId: DEMO.accountId,
    consentAccountId: DEMO.accountId,
    linkedAccountId: DEMO.accountId,
  }));
  return { ...s, orgs: [...s.orgs, benchOrg, ...linked] };
}

function emulator() {
  return startEmulator({
    seed: seed(),
    latencyMs: LATENCY_MS,
    aerialConcurrency: SLOTS,
    orgConcurrency: SLOTS,
    quiet: true,
    randomSeed: 1,
  });
}

async function runOurs(emu) {
  const c = emu.credentials();
  const aerial = openAerialClient(
    {
      accountId: c.OKTA_AERIAL_ACCOUNT_ID,
      baseUrl: c.OKTA_AERIAL_BASE_URL,
      tokenUrl: c.OKTA_AERIAL_TOKEN_URL,
      clientId: c.OKTA_AERIAL_CLIENT_ID,
      privateKey: c.OKTA_AERIAL_PRIVATE_KEY,
      keyId: c.OKTA_AERIAL_KEY_ID,
    },
    { useAgent: false },
  );
  const prl = openPrincipalRateLimitClient(
    { orgUrl: c.OKTA_ORG_URL_BENCH_PRL, auth: { type: 'ssws', token: c.OKTA_API_TOKEN_BENCH_PRL } },
    { useAgent: false },
  );
  const reconcile = async (principalId, i) => {
    const want = { principalId, principalType: 'SSWS_TOKEN', ...desired(i) };
    const found = await prl.findByPrincipal(principalId, 'SSWS_TOKEN');
    return found ? prl.replace(found.id, want) : prl.create(want);
  };
  const t0 = performance.now();
  const results = await Promise.allSettled([
    ...principalIds.map(reconcile),
    ...orgIds.map((id) => aerial.getOrg(id)),
  ]);
  const seconds = (performance.now() - t0) / 1000;
  const failures = results.filter((r) => r.status === 'rejected');
  if (failures.length)
    process.stderr.write(`ours: first failure: ${failures[0].reason && failures[0].reason.message}\n`);
  await closeClients();
  return { seconds, failures: failures.length, counters: { aerial: aerial.counters, prl: prl.counters } };
}

async function runSdk(emu) {
  const okta = require('@okta/okta-sdk-nodejs');
  const c = emu.credentials();
  const orgClient = new okta.Client({ orgUrl: c.OKTA_ORG_URL_BENCH_PRL, token: c.OKTA_API_TOKEN_BENCH_PRL });
  // The SDK's own PrivateKey mode always sends a DPoP proof signed RS256 with the client key and a
  // lower-case htm, which an EC key (the emulator's demo key) cannot satisfy; so the SDK's generic http
  // (same retry executor) gets a Bearer token fetched once up front, outside the timed section.
  const aerialToken = await fetchBearerToken(c);
  const aerialClient = new okta.Client({ orgUrl: c.OKTA_AERIAL_BASE_URL, token: 'unused-ssws-placeholder' });
  const api = orgClient.principalRateLimitApi;
  const reconcile = async (principalId, i) => {
    const entity = { principalId, principalType: 'SSWS_TOKEN', ...desired(i) };
    const list = await api.listPrincipalRateLimitEntities({
      filter: `principalType eq "SSWS_TOKEN" and principalId eq "${principalId}"`,
    });
    let found;
    for await (const e of list) {
      if (e && e.principalId === principalId) found = e;
    }
    return found
      ? api.replacePrincipalRateLimitEntity({ principalRateLimitId: found.id, entity })
      : api.createPrincipalRateLimitEntity({ entity });
  };
  const readOrg = async (orgId) => {
    const res = await aerialClient.http.http(
      `${c.OKTA_AERIAL_BASE_URL}/${c.OKTA_AERIAL_ACCOUNT_ID}/api/v1/orgs/${orgId}`,
      {
        method: 'get',
        headers: { Authorization: `Bearer ${aerialToken}` },
      },
    );
    return res.json();
  };
  const items = [
    ...principalIds.map((id, i) => () => reconcile(id, i)),
    ...orgIds.map((id) => () => readOrg(id)),
  ];
  const t0 = performance.now();
  let pending = items;
  let firstPassFailures = 0;
  let rounds = 0;
  let firstError;
  let firstPassSeconds = 0;
  while (pending.length && rounds < MAX_SDK_ROUNDS && performance.now() - t0 < MAX_SDK_MS) {
    rounds++;
    const results = await Promise.allSettled(pending.map((run) => run()));
    const failed = pending.filter((_, i) => results[i].status === 'rejected');
    if (rounds === 1) {
      firstPassSeconds = (performance.now() - t0) / 1000;
      firstPassFailures = failed.length;
      const f = results.find((r) => r.status === 'rejected');
      firstError = f && f.reason && (f.reason.message || String(f.reason));
    }
    pending = failed;
  }
  const seconds = (performance.now() - t0) / 1000;
  if (firstError) process.stderr.write(`sdk: first failure: ${String(firstError).slice(0, 200)}\n`);
  return { seconds, firstPassSeconds, failures: firstPassFailures, unfinished: pending.length, rounds };
}

/** A client-credentials token for the Aerial demo client (private_key_jwt signed with jose). */
async function fetchBearerToken(c) {
  const { SignJWT } = require('jose');
  const { readSigningKey } = require(path.join(lib, 'client', 'auth'));
  const { key, alg, kid } = readSigningKey(c.OKTA_AERIAL_PRIVATE_KEY, c.OKTA_AERIAL_KEY_ID);
  const now = Math.floor(Date.now() / 1000);
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg, kid })
    .setIssuer(c.OKTA_AERIAL_CLIENT_ID)
    .setSubject(c.OKTA_AERIAL_CLIENT_ID)
    .setAudience(c.OKTA_AERIAL_TOKEN_URL)
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .setJti(String(Math.random()).slice(2))
    .sign(key);
  const res = await globalThis.fetch(c.OKTA_AERIAL_TOKEN_URL, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: 'okta.accounts.read',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    }),
  });
  const body = await res.json();
  if (!body.access_token) throw new Error(`token request failed: ${res.status} ${body.error}`);
  return body.access_token;
}

const throttled = (emu) => emu.stats().throttled;

async function main() {
  const oursEmu = await emulator();
  let ours;
  try {
    ours = await runOurs(oursEmu);
    ours.throttled = throttled(oursEmu);
    ours.maxInFlight = oursEmu.stats().maxInFlight;
    ours.tokens = oursEmu.stats().tokensIssued;
  } finally {
    await oursEmu.stop();
  }
  const sdkEmu = await emulator();
  let sdk;
  try {
    sdk = await runSdk(sdkEmu);
    sdk.throttled = throttled(sdkEmu);
  } finally {
    await sdkEmu.stop();
  }
  const w = (s) => process.stdout.write(`${s}\n`);
  w(
    `work: ${PRINCIPALS} principal-rate-limit reconciliations (${EXISTING} replace, ${PRINCIPALS - EXISTING} create) + ${ORGS} org reads; emulator latency ${LATENCY_MS} ms, ${SLOTS} slots per account and per org`,
  );
  w(
    `ours: ${ours.seconds.toFixed(2)} s, failures ${ours.failures}, 429s ${ours.throttled}, requests prl=${ours.counters.prl.requests} aerial=${ours.counters.aerial.requests}, retries ${ours.counters.prl.retries + ours.counters.aerial.retries}, tokens ${JSON.stringify(ours.tokens)}`,
  );
  w(
    `sdk:  ${sdk.seconds.toFixed(2)} s until done (${sdk.rounds} round(s) of re-running failed items); first pass ${sdk.firstPassSeconds.toFixed(2)} s with ${sdk.failures} of ${PRINCIPALS + ORGS} items failed; unfinished ${sdk.unfinished}; 429s ${sdk.throttled}`,
  );
  w(`sdk_unfinished=${sdk.unfinished}`);
  w(
    `client-bench: speedup=${(sdk.seconds / ours.seconds).toFixed(2)} ours_failures=${ours.failures} sdk_failures=${sdk.failures} ours_429=${ours.throttled} sdk_429=${sdk.throttled}`,
  );
}

main().catch((e) => {
  process.stderr.write(`client-bench failed: ${e && e.stack ? e.stack : e}\n`);
  process.exitCode = 1;
});
