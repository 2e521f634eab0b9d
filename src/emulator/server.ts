/**
 * The emulator's HTTP server: one loopback port, routing, the per-request pipeline (concurrency slot →
 * body → latency → injected fault → per-minute window → handler), response rendering, stats and the log.
 *
 * URL layout:
 *   /aerial/{production|sandbox}/{accountId}/api/v1/...   Aerial API of one environment
 *   /orgs/{subdomain}/oauth2/v1/token                       the org's authorization server
 *   /orgs/{subdomain}/api/v1/principal-rate-limits[/{id}]   the org's Principal Rate Limits API
 *   /orgs/{subdomain}/api/v1/org/privacy/aerial[/grant|/revoke]
 *   /__admin/{stats|log|reset|faults|credentials|state}
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AerialEnvironment } from '../okta-api';
import { handleAdmin } from './admin-routes';
import * as aerial from './aerial-routes';
import * as consent from './consent-routes';
import { EmulatorCore, type CoreOptions, type HandlerResult, type RequestContext } from './core';
import { buildCredentials } from './credentials';
import { err, newErrorId, OAuthError, OktaError } from './errors';
import { decideFault, toFaultConfig } from './faults';
import { DEMO_KEY_ID, demoKeys, privatePem } from './keys';
import { tokenEndpoint } from './oauth';
import { loadState, saveState, StateSaver } from './persistence';
import * as prl from './prl-routes';
import { demoSeed, readSeedFile, stateFromSeed, validateSeed } from './seed';
import type { EmulatorState, OrgState } from './state';
import type { EmulatorOptions, FaultConfig, FaultShorthand, RunningEmulator } from './types';

type AerialHandler = (core: EmulatorCore, ctx: RequestContext) => Promise<HandlerResult>;
type OrgHandler = (core: EmulatorCore, ctx: RequestContext, org: OrgState) => Promise<HandlerResult>;

interface RouteDef<H> {
  re: RegExp;
  keys: string[];
  methods: Record<string, [string, H]>;
}

const AERIAL_ROUTES: RouteDef<AerialHandler>[] = [
  {
    re: /^\/accounts$/,
    keys: [],
    methods: {
      GET: ['aerial.getAccount', aerial.getAccount],
      PUT: ['aerial.replaceAccount', aerial.replaceAccount],
    },
  },
  {
    re: /^\/products$/,
    keys: [],
    methods: { GET: ['aerial.listSubscribedProducts', aerial.listSubscribedProducts] },
  },
  {
    re: /^\/orgs$/,
    keys: [],
    methods: { GET: ['aerial.listOrgs', aerial.listOrgs], POST: ['aerial.linkOrg', aerial.linkOrg] },
  },
  { re: /^\/orgs\/([^/]+)$/, keys: ['orgId'], methods: { GET: ['aerial.getOrg', aerial.getOrg] } },
  {
    re: /^\/orgs\/([^/]+)\/status$/,
    keys: ['orgId'],
    methods: { PUT: ['aerial.setStatus', aerial.setStatus] },
  },
  {
    re: /^\/orgs\/([^/]+)\/products$/,
    keys: ['orgId'],
    methods: {
      GET: ['aerial.getProducts', aerial.getProducts],
      PUT: ['aerial.setProducts', aerial.setProducts],
    },
  },
  {
    re: /^\/orgs\/([^/]+)\/deletionRequest$/,
    keys: ['orgId'],
    methods: { POST: ['aerial.deletionRequest', aerial.deletionRequest] },
  },
  {
    re: /^\/associatedOrgs$/,
    keys: [],
    methods: { GET: ['aerial.listAssociatedOrgs', aerial.listAssociatedOrgs] },
  },
];

const ORG_ROUTES: RouteDef<OrgHandler>[] = [
  { re: /^\/oauth2\/v1\/token$/, keys: [], methods: { POST: ['oauth.token', tokenEndpoint] } },
  {
    re: /^\/api\/v1\/principal-rate-limits$/,
    keys: [],
    methods: { GET: ['prl.list', prl.listPrl], POST: ['prl.create', prl.createPrl] },
  },
  {
    re: /^\/api\/v1\/principal-rate-limits\/([^/]+)$/,
    keys: ['id'],
    methods: { GET: ['prl.get', prl.getPrl], PUT: ['prl.replace', prl.replacePrl] },
  },
  {
    re: /^\/api\/v1\/org\/privacy\/aerial$/,
    keys: [],
    methods: { GET: ['consent.get', consent.getConsent] },
  },
  {
    re: /^\/api\/v1\/org\/privacy\/aerial\/grant$/,
    keys: [],
    methods: { POST: ['consent.grant', consent.grantConsent] },
  },
  {
    re: /^\/api\/v1\/org\/privacy\/aerial\/revoke$/,
    keys: [],
    methods: { POST: ['consent.revoke', consent.revokeConsent] },
  },
];

/** Largest request body accepted. */
const MAX_BODY = 1024 * 1024;

type Matched =
  | {
      kind: 'aerial';
      route: string;
      env: AerialEnvironment;
      accountId: string;
      params: Record<string, string>;
      handler?: AerialHandler;
      allow?: string[];
    }
  | {
      kind: 'org';
      route: string;
      subdomain: string;
      params: Record<string, string>;
      handler?: OrgHandler;
      allow?: string[];
    }
  | { kind: 'none'; route: string };

function matchIn<H>(
  defs: RouteDef<H>[],
  method: string,
  sub: string,
): { route: string; params: Record<string, string>; handler?: H; allow?: string[] } | undefined {
  for (const d of defs) {
    const m = d.re.exec(sub);
    if (!m) continue;
    const params: Record<string, string> = {};
    d.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1])));
    const hit = d.methods[method];
    if (hit) return { route: hit[0], params, handler: hit[1] };
    const family = Object.values(d.methods)[0][0].split('.')[0];
    return { route: `${family}.methodNotAllowed`, params, allow: Object.keys(d.methods) };
  }
  return undefined;
}

function matchRoute(method: string, path: string): Matched {
  let m = /^\/aerial\/(production|sandbox)\/([^/]+)\/api\/v1(\/.*)$/.exec(path);
  if (m) {
    const hit = matchIn(AERIAL_ROUTES, method, m[3]);
    if (hit)
      return { kind: 'aerial', env: m[1] as AerialEnvironment, accountId: decodeURIComponent(m[2]), ...hit };
  }
  m = /^\/orgs\/([^/]+)(\/.*)$/.exec(path);
  if (m) {
    const hit = matchIn(ORG_ROUTES, method, m[2]);
    if (hit) return { kind: 'org', subdomain: decodeURIComponent(m[1]).toLowerCase(), ...hit };
  }
  return { kind: 'none', route: 'unknown' };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(
          new OktaError(413, 'E0000003', 'The request body was not well-formed.', [
            'The request body is too large.',
          ]),
        );
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function render(res: ServerResponse, result: HandlerResult, extra: Record<string, string | string[]>): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | string[]> = { 'X-Okta-Request-Id': newErrorId().slice(3), ...extra };
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = v;
  if (result.body === undefined || result.status === 204) {
    res.writeHead(result.status, headers);
    res.end();
    return;
  }
  const isText = typeof result.body === 'string';
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type'))
    headers['Content-Type'] = isText ? 'text/plain; charset=utf-8' : 'application/json';
  const payload = isText ? (result.body as string) : JSON.stringify(result.body);
  headers['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(result.status, headers);
  res.end(payload);
}

function errorResult(e: unknown, quiet: boolean): HandlerResult {
  if (e instanceof OktaError) return { status: e.status, headers: e.headers, body: e.body() };
  if (e instanceof OAuthError)
    return {
      status: e.status,
      headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache', ...e.headers },
      body: { error: e.error, error_description: e.description },
    };
  // A bug in the emulator: say so on stderr (messages never carry secrets) and answer like Okta would.
  if (!quiet)
    process.stderr.write(`okta-aerial emulator: internal error: ${(e as Error)?.message ?? String(e)}\n`);
  const s = err.server(500);
  return { status: 500, body: s.body() };
}

function rateHeaders(rl: { limit: number; remaining: number; reset: number }): Record<string, string> {
  return {
    'X-Rate-Limit-Limit': String(rl.limit),
    'X-Rate-Limit-Remaining': String(rl.remaining),
    'X-Rate-Limit-Reset': String(rl.reset),
  };
}

/** Loads state: an existing state file wins over the seed; otherwise the seed (or the demo seed). */
async function initialState(
  options: EmulatorOptions,
  nowMs: number,
): Promise<{ state: EmulatorState; fresh: boolean }> {
  if (options.statePath) {
    const loaded = loadState(options.statePath);
    if (loaded) return { state: loaded, fresh: false };
  }
  const raw = typeof options.seed === 'string' ? readSeedFile(options.seed) : (options.seed ?? demoSeed());
  const seed = validateSeed(raw);
  const keys = await demoKeys(!options.statePath);
  return { state: stateFromSeed(seed, structuredClone(keys), nowMs), fresh: true };
}

/** Starts an emulator; resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const opts: CoreOptions = {
    latencyMs: options.latencyMs ?? 0,
    jitterMs: options.jitterMs ?? 0,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    aerialConcurrency: options.aerialConcurrency ?? 10,
    orgConcurrency: options.orgConcurrency ?? 75,
    rateLimitPerMinute: options.rateLimitPerMinute,
    quiet: options.quiet ?? false,
    now: options.now ?? Date.now,
    randomSeed: options.randomSeed,
  };
  const faults = toFaultConfig(options.faults);
  const { state, fresh } = await initialState(options, opts.now());
  const core = new EmulatorCore(state, opts);
  core.setFaults(faults);

  let saver: StateSaver | undefined;
  if (options.statePath) {
    const path = options.statePath;
    saver = new StateSaver(path, () => core.state);
    core.onChange = () => saver!.markDirty();
    if (fresh) await saveState(path, core.state);
  }

  const rsa = core.state.keys.find((k) => k.alg === 'RS256') ?? core.state.keys[0];
  const pem = rsa ? await privatePem(rsa) : '';
  const credentials = () => buildCredentials(core, pem, rsa?.kid ?? DEMO_KEY_ID);

  const server = createServer((req, res) => void handle(core, req, res, credentials));
  server.keepAliveTimeout = 5000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  core.url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (!opts.quiet && host !== '127.0.0.1' && host !== 'localhost' && host !== '::1')
    process.stderr.write(
      `okta-aerial emulator: warning: listening on ${host}; the admin endpoints hand out credentials to anyone who can connect\n`,
    );

  let stopped: Promise<void> | undefined;
  return {
    url: core.url,
    port,
    stop: () =>
      (stopped ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await saver?.flush();
      })()),
    stats: () => structuredClone(core.stats),
    log: () => core.logEntries.map((e) => ({ ...e })),
    reset: () => core.resetStats(),
    setFaults: (f: FaultConfig | FaultShorthand) => core.setFaults(toFaultConfig(f)),
    credentials,
  };
}

/** The per-request pipeline. */
async function handle(
  core: EmulatorCore,
  req: IncomingMessage,
  res: ServerResponse,
  credentials: () => Record<string, string>,
): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  let url: URL;
  try {
    url = new URL(req.url ?? '/', core.url);
  } catch {
    render(res, errorResult(err.notFound('URL'), true), {});
    return;
  }
  const path = url.pathname;
  const ctx: RequestContext = {
    req,
    res,
    method,
    url,
    route: 'unknown',
    params: {},
    rawBody: Buffer.alloc(0),
  };

  if (path.startsWith('/__admin/')) {
    try {
      ctx.rawBody = await readBody(req);
      render(res, handleAdmin(core, ctx, path.slice('/__admin/'.length), credentials), {});
    } catch (e) {
      render(res, errorResult(e, core.opts.quiet), {});
    }
    return;
  }

  const match = matchRoute(method, path);
  const mutableCtx = ctx as { route: string; params: Record<string, string> };
  mutableCtx.route = match.route;
  let status = 0;
  let extra: Record<string, string | string[]> = {};
  try {
    if (match.kind === 'none') throw err.notFound(`${path} (URL)`);
    // Inference: a known path with an unsupported method (e.g. DELETE on a rate limit) is 405 E0000022.
    if (!match.handler) throw err.methodNotAllowed(match.allow ?? []);
    mutableCtx.params = match.params;
    let org: OrgState | undefined;
    let slotKey: string;
    let cap: number;
    let maxMap: Record<string, number>;
    let windowKey: string;
    if (match.kind === 'aerial') {
      ctx.env = match.env;
      ctx.accountId = match.accountId;
      slotKey = `${match.env}/${match.accountId}`;
      cap = core.opts.aerialConcurrency;
      maxMap = core.stats.maxInFlight;
      windowKey = `aerial:${slotKey}`;
    } else {
      org = core.orgBySubdomain(match.subdomain);
      ctx.org = match.subdomain;
      if (!org) throw err.notFound(`${match.subdomain} (Org)`);
      slotKey = `org:${org.subdomain}`;
      cap = core.opts.orgConcurrency;
      maxMap = core.stats.maxInFlightOrg;
      windowKey = slotKey;
    }
    const statKey = match.kind === 'aerial' ? slotKey : org!.subdomain;

    // Concurrency is counted over the whole request lifetime, latency included, as Okta does.
    const inFlight = core.inFlight.get(slotKey) ?? 0;
    if (inFlight >= cap) {
      // Inference (okta-api.md 1.3): Okta core's concurrency 429 shape; Reset is only an estimate.
      throw err.tooManyRequests({
        'X-Rate-Limit-Limit': '0',
        'X-Rate-Limit-Remaining': '0',
        'X-Rate-Limit-Reset': String(Math.ceil(core.now() / 1000) + 1),
      });
    }
    core.inFlight.set(slotKey, inFlight + 1);
    maxMap[statKey] = Math.max(maxMap[statKey] ?? 0, inFlight + 1);
    res.once('close', () => core.inFlight.set(slotKey, (core.inFlight.get(slotKey) ?? 1) - 1));

    if (
      (method === 'POST' || method === 'PUT') &&
      req.headers['content-length'] === undefined &&
      req.headers['transfer-encoding'] === undefined
    )
      throw new OktaError(411, 'E0000003', 'The request body was not well-formed.', [
        'Length Required: a POST or PUT needs a body or a Content-Length header.',
      ]);
    ctx.rawBody = await readBody(req);

    const fault = decideFault(core.faults, match.route, method, core.random, {
      latencyMs: core.opts.latencyMs,
      jitterMs: core.opts.jitterMs,
    });
    if (fault.delayMs > 0) await sleep(fault.delayMs);
    const rl = core.countInWindow(windowKey);
    extra = rateHeaders(rl);
    if (fault.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault.kind === '429')
      throw err.tooManyRequests(
        fault.shape === 'concurrency'
          ? {
              'X-Rate-Limit-Limit': '0',
              'X-Rate-Limit-Remaining': '0',
              'X-Rate-Limit-Reset': String(Math.ceil(core.now() / 1000) + 1),
            }
          : { ...rateHeaders(rl), 'X-Rate-Limit-Remaining': '0' },
      );
    if (fault.kind === '5xx') throw err.server(fault.status);
    if (rl.exceeded) throw err.tooManyRequests(rateHeaders(rl));

    const result =
      match.kind === 'aerial' ? await match.handler!(core, ctx) : await match.handler!(core, ctx, org!);
    status = result.status;
    render(res, result, extra);
    if (status < 300 && (method === 'POST' || method === 'PUT') && /^(aerial|prl)\./.test(match.route))
      core.stats.writes++;
  } catch (e) {
    const r = errorResult(e, core.opts.quiet);
    status = r.status;
    render(res, r, r.status === 429 ? {} : extra);
  } finally {
    record(core, ctx, status);
  }
}

function record(core: EmulatorCore, ctx: RequestContext, status: number): void {
  const s = core.stats;
  s.totalRequests++;
  const byStatus = (s.byRoute[ctx.route] ??= {});
  byStatus[status] = (byStatus[status] ?? 0) + 1;
  if (status === 429) s.throttled++;
  const h = ctx.req.headers;
  const retryCount = Number(h['x-okta-retry-count']);
  core.log({
    ts: new Date(core.now()).toISOString(),
    method: ctx.method,
    path: ctx.url.pathname + ctx.url.search,
    route: ctx.route,
    status,
    ...(ctx.env && { env: ctx.env }),
    ...(ctx.accountId && { accountId: ctx.accountId }),
    ...(ctx.org && { org: ctx.org }),
    ...(ctx.clientId && { clientId: ctx.clientId }),
    ...(ctx.principal && { principal: ctx.principal }),
    ...(typeof h['x-okta-retry-for'] === 'string' && { retryFor: h['x-okta-retry-for'] }),
    ...(Number.isFinite(retryCount) && h['x-okta-retry-count'] !== undefined && { retryCount }),
  });
}
