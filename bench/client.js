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
 *
 * The fair comparison (what a competent SDK user would write): the same SDK with raised retries
 * (DefaultRequestExecutor maxRetries SDK_MAX_RETRIES) and the work bounded by a pool of 10, and of 20,
 * concurrent operations (one pool for all 700 items, in the same order as above); failed items are re-run
 * through the same pool until done, like the all-at-once SDK. Each contender runs alone, and again while a
 * second client takes part of the capacity: BACKGROUND workers per API (the bench org's Principal Rate Limits
 * API and the Aerial account), each looping GETs against the same org / account (pausing 100 ms after a 429),
 * started before and stopped after the measured run; its throughput is printed beside each shared run.
 * Every run has a fresh emulator with the same seed. A first run of ours is discarded (warm-up): every pooled
 * SDK run comes after a run of the same SDK code, and the emulator's code is then warm for all of them.
 * floor = requests x latency / 10, requests = what the emulator counted for our run (token requests and
 * 429s included, background requests excluded).
 * Ours answers reconciliations started together with fewer reads (lookups of principals started together
 * are answered by one listing of their type, src/client/principal-lookups.ts). Not in the targets, for
 * comparison: the SDK with the work rewritten as one script that lists the type first, then one pool of 10
 * per API.
 * Shared, the fair floor: the background's demand per API (the slots it holds on average while it runs
 * alone, measured over its warm-up) leaves 10 minus that to the contender; fair_floor_s = the work's fewest
 * requests on the busier API (a listing of the existing entities, 50 a page, and one write per
 * reconciliation) x latency / those slots, fair_floor_ratio = ours / that. per_item_speedup_max = best
 * pooled SDK shared seconds / the same floor for the work read principal by principal (2 requests per
 * reconciliation): the most a client reading each principal alone could reach over that SDK while it
 * leaves the background its share. sdk_lists_speedup(_shared) = the SDK script that lists first / ours.
 * Last line: client-bench: speedup=<sdk seconds / our seconds> ours_failures=<n> sdk_failures=<n> ours_429=<n>
 *   sdk_429=<n> pooled_sdk_speedup=<best of SDK pool 10 / pool 20, alone, seconds / our seconds>
 *   floor_ratio=<our seconds / floor seconds>
 * The line before it: client-bench-shared: the same with the background client.
 */
const { performance } = require('node:perf_hooks');
const os = require('node:os');
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
const SDK_MAX_RETRIES = 5;
const POOLS = [10, 20];
const BACKGROUND = 4;
const WARMUP_MS = 2000;
const DEMAND_MS = 1500;

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
  return {
    seconds,
    failures: failures.length,
    counters: { aerial: { ...aerial.counters }, prl: { ...prl.counters } },
  };
}

/**
 * The SDK. `pool` undefined: everything at once with default retries (its README's way); a number: at most
 * that many operations at once, with `maxRetries` retries.
 */
async function runSdk(emu, { pool, perApi, maxRetries, listFirst } = {}) {
  const okta = require('@okta/okta-sdk-nodejs');
  const c = emu.credentials();
  const executor = () =>
    maxRetries === undefined ? undefined : new okta.DefaultRequestExecutor({ maxRetries });
  const orgClient = new okta.Client({
    orgUrl: c.OKTA_ORG_URL_BENCH_PRL,
    token: c.OKTA_API_TOKEN_BENCH_PRL,
    requestExecutor: executor(),
  });
  // The SDK's own PrivateKey mode always sends a DPoP proof signed RS256 with the client key and a
  // lower-case htm, which an EC key (the emulator's demo key) cannot satisfy; so the SDK's generic http
  // (same retry executor) gets a Bearer token fetched once up front, outside the timed section.
  const aerialToken = await fetchBearerToken(c);
  const aerialClient = new okta.Client({
    orgUrl: c.OKTA_AERIAL_BASE_URL,
    token: 'unused-ssws-placeholder',
    requestExecutor: executor(),
  });
  const api = orgClient.principalRateLimitApi;
  /** The principals' entities by principal id, from one listing of the type (listFirst, each round). */
  let listed;
  const listAll = async () => {
    const m = new Map();
    const list = await api.listPrincipalRateLimitEntities({
      filter: 'principalType eq "SSWS_TOKEN"',
      limit: 50,
    });
    for await (const e of list) if (e) m.set(e.principalId, e);
    return m;
  };
  const reconcile = async (principalId, i) => {
    const entity = { principalId, principalType: 'SSWS_TOKEN', ...desired(i) };
    let found = listed && listed.get(principalId);
    if (!listed) {
      const list = await api.listPrincipalRateLimitEntities({
        filter: `principalType eq "SSWS_TOKEN" and principalId eq "${principalId}"`,
      });
      for await (const e of list) {
        if (e && e.principalId === principalId) found = e;
      }
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
    ...principalIds.map((id, i) => Object.assign(() => reconcile(id, i), { api: 'prl' })),
    ...orgIds.map((id) => Object.assign(() => readOrg(id), { api: 'aerial' })),
  ];
  /** One pool per API (perApi), or one for everything; results in the order of `thunks`. */
  const pooled = async (thunks) => {
    if (!perApi) return runPool(thunks, pool);
    const results = new Array(thunks.length);
    await Promise.all(
      ['prl', 'aerial'].map(async (api) => {
        const at = thunks.map((t, i) => (t.api === api ? i : -1)).filter((i) => i >= 0);
        const r = await runPool(
          at.map((i) => thunks[i]),
          pool,
        );
        at.forEach((i, k) => (results[i] = r[k]));
      }),
    );
    return results;
  };
  const t0 = performance.now();
  let pending = items;
  let firstPassFailures = 0;
  let rounds = 0;
  let firstError;
  let firstPassSeconds = 0;
  while (pending.length && rounds < MAX_SDK_ROUNDS && performance.now() - t0 < MAX_SDK_MS) {
    rounds++;
    // A create that failed on the client may have landed on the server, so nothing is kept between rounds.
    // Listed again each round, when there are enough reconciliations left to make it worth a listing (as
    // our client's lookups decide); a listing that fails leaves each to read its principal.
    const reconciling = pending.filter((t) => t.api === 'prl').length;
    listed = listFirst && reconciling >= 10 ? await listAll().catch(() => undefined) : undefined;
    const results = pool ? await pooled(pending) : await Promise.allSettled(pending.map((run) => run()));
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

/** Runs the thunks with at most `size` at once, in order; settles like Promise.allSettled. */
async function runPool(thunks, size) {
  const results = new Array(thunks.length);
  let next = 0;
  const worker = async () => {
    while (next < thunks.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await thunks[i]() };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, thunks.length) }, worker));
  return results;
}

/**
 * A second client sharing the capacity: `workers` loops per API, each sending one GET at a time to the bench
 * org's Principal Rate Limits API and to the Aerial account (pausing 100 ms after a 429), until stopped.
 * Its demand per API (the slots it holds on average) is measured while it runs alone, over the last
 * DEMAND_MS of its warm-up, and again while the measured run is on.
 */
async function startBackground(emu, workers) {
  const c = emu.credentials();
  const token = await fetchBearerToken(c);
  const counts = { requests: 0, ok: 0, throttled: 0, other: 0 };
  /** Milliseconds of requests in flight per API since `from` (the overlap of each request with it). */
  const busy = { from: Infinity, prl: 0, aerial: 0 };
  /** Start times of the requests in flight, per API. */
  const inFlight = { prl: new Set(), aerial: new Set() };
  let stopping = false;
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const loop = async (api, url, authorization) => {
    while (!stopping) {
      counts.requests++;
      const request = { started: performance.now() };
      inFlight[api].add(request);
      try {
        const res = await fetch(url, {
          headers: { Authorization: authorization, Accept: 'application/json' },
        });
        await res.arrayBuffer();
        inFlight[api].delete(request);
        busy[api] += Math.max(0, performance.now() - Math.max(request.started, busy.from));
        if (res.status === 429) {
          counts.throttled++;
          await sleep(100);
        } else if (res.ok) counts.ok++;
        else counts.other++;
      } catch {
        inFlight[api].delete(request);
        counts.other++;
        await sleep(100);
      }
    }
  };
  /** Average slots held per API since busy.from, requests still in flight included; restarts the measurement. */
  const occupancy = () => {
    const now = performance.now();
    const ms = now - busy.from;
    const held = (api) =>
      [...inFlight[api]].reduce((sum, r) => sum + now - Math.max(r.started, busy.from), busy[api]);
    const out = { prl: held('prl') / ms, aerial: held('aerial') / ms };
    Object.assign(busy, { from: now, prl: 0, aerial: 0 });
    return out;
  };
  const prlUrl = `${c.OKTA_ORG_URL_BENCH_PRL}/api/v1/principal-rate-limits?filter=${encodeURIComponent(
    `principalType eq "SSWS_TOKEN" and principalId eq "${principalIds[0]}"`,
  )}`;
  const orgUrl = `${c.OKTA_AERIAL_BASE_URL}/${c.OKTA_AERIAL_ACCOUNT_ID}/api/v1/orgs/${orgIds[0]}`;
  const loops = [
    ...Array.from({ length: workers }, () => loop('prl', prlUrl, `SSWS ${c.OKTA_API_TOKEN_BENCH_PRL}`)),
    ...Array.from({ length: workers }, () => loop('aerial', orgUrl, `Bearer ${token}`)),
  ];
  // The background is in full swing before the measured run starts; its demand is measured alone.
  await sleep(WARMUP_MS - DEMAND_MS);
  busy.from = performance.now();
  await sleep(DEMAND_MS);
  const demand = occupancy();
  const t0 = performance.now();
  const at0 = { ...counts };
  return {
    demand,
    /** Stops the loops; returns what the background did while the measured run was on. */
    async stop() {
      const seconds = (performance.now() - t0) / 1000;
      const held = occupancy();
      const during = {
        requests: counts.requests - at0.requests,
        ok: counts.ok - at0.ok,
        throttled: counts.throttled - at0.throttled,
        seconds,
        held,
        demand,
      };
      stopping = true;
      await Promise.all(loops);
      return { ...during, total: { ...counts } };
    },
  };
}

/** A client-credentials token for the Aerial demo client (private_key_jwt signed with jose). */
async function fetchBearerToken(c) {
  const { SignJWT } = require('jose');
  const { createPrivateKey } = require('node:crypto');
  const key = createPrivateKey(c.OKTA_AERIAL_PRIVATE_KEY);
  const curve = key.asymmetricKeyDetails && key.asymmetricKeyDetails.namedCurve;
  const alg =
    key.asymmetricKeyType === 'rsa'
      ? 'RS256'
      : curve === 'secp384r1'
        ? 'ES384'
        : curve === 'secp521r1'
          ? 'ES512'
          : 'ES256';
  const kid = c.OKTA_AERIAL_KEY_ID;
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

/**
 * One contender on a fresh emulator, alone or beside the background client. Returns its seconds, failures,
 * and what the emulator counted for it (the background's own requests and 429s taken out).
 */
async function contend(name, runner, { shared }) {
  const emu = await emulator();
  try {
    const bg = shared ? await startBackground(emu, BACKGROUND) : undefined;
    const r = await runner(emu);
    const background = bg ? await bg.stop() : undefined;
    const st = emu.stats();
    // The emulator counts everything since it started; the background's own requests (all of them, plus
    // its one token request) are taken out.
    const bgTotal = background
      ? { ...background.total, requests: background.total.requests + 1 }
      : { requests: 0, throttled: 0 };
    r.requests = st.totalRequests - bgTotal.requests;
    r.throttled = st.throttled - bgTotal.throttled;
    r.background = background;
    r.maxInFlight = st.maxInFlight;
    r.maxInFlightOrg = st.maxInFlightOrg;
    r.tokens = st.tokensIssued;
    return { name, shared, ...r };
  } finally {
    await emu.stop();
  }
}

async function main() {
  const w = (s) => process.stdout.write(`${s}\n`);
  const load = () =>
    os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
  w(
    `work: ${PRINCIPALS} principal-rate-limit reconciliations (${EXISTING} replace, ${PRINCIPALS - EXISTING} create) + ${ORGS} org reads; emulator latency ${LATENCY_MS} ms, ${SLOTS} slots per account and per org`,
  );
  w(`machine: nproc ${os.cpus().length}, load average ${load()}, node ${process.version}`);
  const sdkPooled =
    (pool, perApi = false, listFirst = false) =>
    (emu) =>
      runSdk(emu, { pool, perApi, maxRetries: SDK_MAX_RETRIES, listFirst });

  // Ours would otherwise run first, with the emulator's code and ours not yet compiled by V8, while every
  // SDK run comes after a run of the same SDK code: one discarded run first warms up both.
  const warmUp = await contend('ours', runOurs, { shared: false });
  const ours = await contend('ours', runOurs, { shared: false });
  const sdk = await contend('sdk', (emu) => runSdk(emu), { shared: false });
  const pooled = [];
  for (const pool of POOLS)
    pooled.push(await contend(`sdk pool ${pool}`, sdkPooled(pool), { shared: false }));
  // Not in the targets: what a user who keeps one pool of 10 per API (as our limiter does) would get.
  const perApi = await contend('sdk 10/API', sdkPooled(10, true), { shared: false });
  // Not in the targets either: the work rewritten as one script that lists the type first (what our
  // client's lookups started together do), then one pool of 10 per API.
  const listFirst = await contend('sdk lists', sdkPooled(10, true, true), { shared: false });
  const oursShared = await contend('ours', runOurs, { shared: true });
  const pooledShared = [];
  for (const pool of POOLS)
    pooledShared.push(await contend(`sdk pool ${pool}`, sdkPooled(pool), { shared: true }));
  const perApiShared = await contend('sdk 10/API', sdkPooled(10, true), { shared: true });
  const listFirstShared = await contend('sdk lists', sdkPooled(10, true, true), { shared: true });

  const floorS = (requests, slots = SLOTS) => (requests * (LATENCY_MS / 1000)) / slots;
  const oursLine = (o) =>
    `${o.seconds.toFixed(2)} s, failures ${o.failures}, 429s ${o.throttled} (client saw ${o.counters.prl.throttled + o.counters.aerial.throttled}), ` +
    `requests ${o.requests} (prl=${o.counters.prl.requests} aerial=${o.counters.aerial.requests} + tokens), retries ${o.counters.prl.retries + o.counters.aerial.retries}, ` +
    `max in flight account ${JSON.stringify(o.maxInFlight)} org ${JSON.stringify(o.maxInFlightOrg)}, tokens issued ${JSON.stringify(o.tokens)}${o.shared ? ' (one of them to the background client)' : ''}`;
  const sdkLine = (x) =>
    `${x.seconds.toFixed(2)} s until done (${x.rounds} round(s)); first pass ${x.firstPassSeconds.toFixed(2)} s with ${x.failures} of ${PRINCIPALS + ORGS} items failed; ` +
    `unfinished ${x.unfinished}; requests ${x.requests}, 429s ${x.throttled}`;
  const slots = (o) => `prl ${o.prl.toFixed(2)}, aerial ${o.aerial.toFixed(2)}`;
  const bgLine = (b) =>
    b
      ? `; background client meanwhile: ${b.ok} requests done in ${b.seconds.toFixed(1)} s (${(b.ok / b.seconds).toFixed(1)}/s), ${b.throttled} got 429, ` +
        `slots held ${slots(b.held)} (alone it holds ${slots(b.demand)})`
      : '';

  w(`warm-up (discarded): ours ${warmUp.seconds.toFixed(2)} s`);
  w(`ours:  ${oursLine(ours)}`);
  w(`sdk:   ${sdkLine(sdk)} (everything at once, default retries)`);
  for (const p of pooled) w(`${p.name.padEnd(12)} (maxRetries ${SDK_MAX_RETRIES}), alone: ${sdkLine(p)}`);
  w(
    `${perApi.name.padEnd(12)} (maxRetries ${SDK_MAX_RETRIES}, one pool of 10 per API; not in the targets), alone: ${sdkLine(perApi)}`,
  );
  w(
    `${listFirst.name.padEnd(12)} (maxRetries ${SDK_MAX_RETRIES}, lists the type first, then one pool of 10 per API; not in the targets), alone: ${sdkLine(listFirst)}`,
  );
  w(
    `shared capacity: a second client runs ${BACKGROUND} GET loops against the bench org's Principal Rate Limits API and ${BACKGROUND} against the Aerial account`,
  );
  w(`ours, shared: ${oursLine(oursShared)}${bgLine(oursShared.background)}`);
  for (const p of pooledShared)
    w(`${p.name.padEnd(12)} (maxRetries ${SDK_MAX_RETRIES}), shared: ${sdkLine(p)}${bgLine(p.background)}`);
  w(
    `${perApiShared.name.padEnd(12)} (maxRetries ${SDK_MAX_RETRIES}, one pool of 10 per API; not in the targets), shared: ` +
      `${sdkLine(perApiShared)}${bgLine(perApiShared.background)}`,
  );
  w(
    `${listFirstShared.name.padEnd(12)} (maxRetries ${SDK_MAX_RETRIES}, lists the type first, then one pool of 10 per API; not in the targets), shared: ` +
      `${sdkLine(listFirstShared)}${bgLine(listFirstShared.background)}`,
  );
  w(`sdk_unfinished=${sdk.unfinished}`);

  const bestAlone = pooled.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const bestShared = pooledShared.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const oursFloor = floorS(ours.requests);
  // Shared: each API has the slots the background client leaves when it runs alone (its demand); a client
  // that takes no more than those needs at least this long for the work's fewest requests on the busier API
  // (a listing of the entities there are, 50 a page, and one write per principal; one read per org and a
  // token on the account's API). The same for the work read principal by principal (2 requests per
  // reconciliation): the most a client that sends those could beat the pooled SDK by.
  const demand = oursShared.background.demand;
  const sharedFloorOf = (prlRequests, aerialRequests) =>
    Math.max(floorS(prlRequests, SLOTS - demand.prl), floorS(aerialRequests, SLOTS - demand.aerial));
  const fewest = Math.ceil(EXISTING / 50) + PRINCIPALS;
  const sharedFloor = sharedFloorOf(fewest, ORGS + 1);
  const perItemFloor = sharedFloorOf(2 * PRINCIPALS, ORGS + 1);
  const listsAlone = listFirst.seconds / ours.seconds;
  const listsShared = listFirstShared.seconds / oursShared.seconds;
  // Our client has one limiter per API (10 slots each); the busiest one bounds it.
  const perApiFloor = Math.max(floorS(ours.counters.prl.requests), floorS(ours.counters.aerial.requests + 1));
  w(
    `floors: requests x ${LATENCY_MS} ms / ${SLOTS} = ${oursFloor.toFixed(2)} s for our ${ours.requests} requests; ` +
      `the two APIs have ${SLOTS} slots each, so the busier one alone needs ${perApiFloor.toFixed(2)} s (ours / that = ${(ours.seconds / perApiFloor).toFixed(2)}); ` +
      `shared, with the slots the background leaves (${SLOTS} minus ${slots(demand)}), the work's fewest requests on the busier API (${fewest}) need ${sharedFloor.toFixed(2)} s ` +
      `(ours / that = ${(oursShared.seconds / sharedFloor).toFixed(2)}); read principal by principal (${2 * PRINCIPALS} requests on the org's API) they would need ` +
      `${perItemFloor.toFixed(2)} s (best pooled SDK / that = ${(bestShared.seconds / perItemFloor).toFixed(2)}, the most a client reading each principal alone could reach)`,
  );
  w(
    `targets: pooled_sdk_speedup >= 1.0 alone (${(bestAlone.seconds / ours.seconds).toFixed(2)}) and >= 1.5 shared (${(bestShared.seconds / oursShared.seconds).toFixed(2)}); ` +
      `floor_ratio <= 1.2 (${(ours.seconds / oursFloor).toFixed(2)}); against the SDK script that lists first (not in the targets) ` +
      `${listsAlone.toFixed(2)} alone and ${listsShared.toFixed(2)} shared; load average now ${load()}`,
  );
  w(
    `client-bench-shared: background=${BACKGROUND}x2 ours_s=${oursShared.seconds.toFixed(2)} ` +
      pooledShared.map((p) => `sdk_pool${p.name.split(' ').pop()}_s=${p.seconds.toFixed(2)}`).join(' ') +
      ` pooled_sdk_speedup_shared=${(bestShared.seconds / oursShared.seconds).toFixed(2)} ours_429=${oursShared.throttled} ` +
      pooledShared.map((p) => `sdk_pool${p.name.split(' ').pop()}_429=${p.throttled}`).join(' ') +
      ` ours_failures=${oursShared.failures} sdk_failures=${pooledShared.map((p) => p.failures).join('/')} ` +
      `fair_floor_s=${sharedFloor.toFixed(2)} fair_floor_ratio=${(oursShared.seconds / sharedFloor).toFixed(2)} ` +
      `per_item_speedup_max=${(bestShared.seconds / perItemFloor).toFixed(2)} ` +
      `sdk_lists_speedup=${listsAlone.toFixed(2)} sdk_lists_speedup_shared=${listsShared.toFixed(2)}`,
  );
  w(
    `client-bench: speedup=${(sdk.seconds / ours.seconds).toFixed(2)} ours_failures=${ours.failures} sdk_failures=${sdk.failures} ours_429=${ours.throttled} sdk_429=${sdk.throttled} ` +
      `pooled_sdk_speedup=${(bestAlone.seconds / ours.seconds).toFixed(2)} floor_ratio=${(ours.seconds / oursFloor).toFixed(2)}`,
  );
}

main().catch((e) => {
  process.stderr.write(`client-bench failed: ${e && e.stack ? e.stack : e}\n`);
  process.exitCode = 1;
});
