/**
 * The per-request pipeline, in the order Okta would apply it: route → concurrency slot → body → latency
 * and injected fault → per-minute window → handler → response; then stats and the request log. Admin
 * requests skip all of it but the body and the response.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorCore } from './core';
import { err } from './errors';
import { decideFault } from './faults';
import { readBody, requireLength, type RequestContext } from './request';
import {
  concurrencyLimitHeaders,
  errorResult,
  rateLimitHeaders,
  render,
  type HandlerResult,
} from './response';
import { isAdminPath, matchAdmin, matchRequest, type Matched } from './urls';

type Headers = Record<string, string | string[]>;

/** Where a matched request is counted, and how its handler runs. */
interface Target {
  /** Concurrency slot: `${env}/${accountId}` or `org:${subdomain}`. */
  slot: string;
  cap: number;
  /** The stats map of highest in-flight counts, and this request's key in it. */
  maxInFlight: Record<string, number>;
  statKey: string;
  /** Per-minute window key. */
  window: string;
  run: () => Promise<HandlerResult>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Handles one request end to end; never throws. */
export async function handleRequest(
  core: EmulatorCore,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  let url: URL;
  try {
    url = new URL(req.url ?? '/', core.url);
  } catch {
    render(res, errorResult(err.notFound('URL'), true), {});
    return;
  }
  if (isAdminPath(url.pathname)) return handleAdmin(core, context(req, res, method, url, 'unknown', {}));

  const match = matchRequest(method, url.pathname, core.opts.rootEnvironment);
  const ctx = context(req, res, method, url, match.route, match.kind === 'none' ? {} : match.params);
  let status = 0;
  let extra: Headers = {};
  try {
    const target = targetOf(core, ctx, match);
    enterSlot(core, target, res);
    requireLength(ctx);
    ctx.rawBody = await readBody(req);

    const fault = decideFault(core.faults, ctx.route, method, core.random, core.opts);
    if (fault.delayMs > 0) await sleep(fault.delayMs);
    const window = core.countInWindow(target.window);
    extra = rateLimitHeaders(window);
    if (fault.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault.kind === '429')
      throw err.tooManyRequests(
        fault.shape === 'concurrency'
          ? concurrencyLimitHeaders(core.now())
          : { ...rateLimitHeaders(window), 'X-Rate-Limit-Remaining': '0' },
      );
    if (fault.kind === '5xx') throw err.server(fault.status);
    if (window.exceeded) throw err.tooManyRequests(rateLimitHeaders(window));

    const result = await target.run();
    status = result.status;
    render(res, result, extra);
    if (status < 300 && (method === 'POST' || method === 'PUT') && /^(aerial|prl)\./.test(ctx.route))
      core.stats.writes++;
  } catch (e) {
    const r = errorResult(e, core.opts.quiet);
    status = r.status;
    render(res, r, r.status === 429 ? {} : extra);
  } finally {
    record(core, ctx, status);
  }
}

function context(
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  url: URL,
  route: string,
  params: Record<string, string>,
): RequestContext {
  return { req, res, method, url, route, params, rawBody: Buffer.alloc(0) };
}

async function handleAdmin(core: EmulatorCore, ctx: RequestContext): Promise<void> {
  try {
    ctx.rawBody = await readBody(ctx.req);
    const hit = matchAdmin(ctx.method, ctx.url.pathname);
    if (!hit) throw err.notFound(`${ctx.url.pathname} (admin endpoint)`);
    if (!hit.handler) throw err.methodNotAllowed(hit.allow ?? []);
    render(ctx.res, hit.handler(core, ctx), {});
  } catch (e) {
    render(ctx.res, errorResult(e, core.opts.quiet), {});
  }
}

/** 404 for an unknown path or org, 405 for another method; else where the request counts. */
function targetOf(core: EmulatorCore, ctx: RequestContext, match: Matched): Target {
  if (match.kind === 'none') throw err.notFound(`${ctx.url.pathname} (URL)`);
  // Inference: a known path with an unsupported method (e.g. DELETE on a rate limit) is 405 E0000022.
  if (!match.handler) throw err.methodNotAllowed(match.allow ?? []);
  if (match.kind === 'aerial') {
    const handler = match.handler;
    ctx.env = match.env;
    ctx.accountId = match.accountId;
    const slot = `${match.env}/${match.accountId}`;
    const { maxInFlight } = core.stats;
    const run = () => handler(core, ctx);
    return {
      slot,
      cap: core.opts.aerialConcurrency,
      maxInFlight,
      statKey: slot,
      window: `aerial:${slot}`,
      run,
    };
  }
  const handler = match.handler;
  const org = core.model.orgBySubdomain(match.subdomain);
  ctx.org = match.subdomain;
  if (!org) throw err.notFound(`${match.subdomain} (Org)`);
  const slot = `org:${org.subdomain}`;
  const maxInFlight = core.stats.maxInFlightOrg;
  const run = () => handler(core, ctx, org);
  return { slot, cap: core.opts.orgConcurrency, maxInFlight, statKey: org.subdomain, window: slot, run };
}

/** Takes a concurrency slot for the request's lifetime (latency included, as Okta counts it), or 429. */
function enterSlot(core: EmulatorCore, t: Target, res: ServerResponse): void {
  const inFlight = core.inFlight.get(t.slot) ?? 0;
  if (inFlight >= t.cap) throw err.tooManyRequests(concurrencyLimitHeaders(core.now()));
  core.inFlight.set(t.slot, inFlight + 1);
  t.maxInFlight[t.statKey] = Math.max(t.maxInFlight[t.statKey] ?? 0, inFlight + 1);
  res.once('close', () => core.inFlight.set(t.slot, (core.inFlight.get(t.slot) ?? 1) - 1));
}

/** Counts the request in the stats and appends it to the log (never a token or assertion). */
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
