/** Admin endpoints under `/__admin/` (not Okta APIs: no auth, no faults, not counted in stats). */
import type { EmulatorCore, HandlerResult, RequestContext } from './core';
import { jsonBody } from './body';
import { toExportLines } from './credentials';
import { err, OktaError } from './errors';
import { normalizeFaults } from './faults';

/** The state without secrets, for tests, demos and curious users. */
export function publicState(core: EmulatorCore): unknown {
  return {
    accounts: core.state.accounts.map((a) => ({
      ...a,
      subscribedProducts: a.subscribedProducts.map((p) => ({ ...p })),
    })),
    orgs: core.state.orgs.map((o) => ({
      id: o.id,
      name: o.name,
      domain: o.domain,
      subdomain: o.subdomain,
      cell: o.cell,
      status: o.status,
      aerialOrg: o.aerialOrg,
      createdDate: o.createdDate,
      contractAccountId: o.contractAccountId,
      consentAccountId: o.consent?.accountId,
      linkedAccountId: o.linkedAccountId,
      enabledProducts: [...o.enabledProducts],
      deleted: o.deleted ?? false,
      url: core.orgBase(o),
      principals: o.principals.map((p) => ({ ...p })),
      clients: o.clients.map((c) => ({ clientId: c.clientId, scopes: [...c.scopes] })),
      rateLimits: o.rateLimits.map((r) => ({ ...r })),
    })),
  };
}

/** Handles one admin request; `credentials` is supplied by the server (it holds the PEM). */
export function handleAdmin(
  core: EmulatorCore,
  ctx: RequestContext,
  name: string,
  credentials: () => Record<string, string>,
): HandlerResult {
  const m = ctx.method;
  switch (`${m} ${name}`) {
    case 'GET stats':
      return { status: 200, body: core.stats };
    case 'GET log':
      return { status: 200, body: core.logEntries };
    case 'POST reset':
      core.resetStats();
      return { status: 200, body: { ok: true } };
    case 'GET faults':
      return { status: 200, body: core.faults };
    case 'PUT faults': {
      try {
        core.setFaults(normalizeFaults(jsonBody(ctx)));
      } catch (e) {
        if (e instanceof OktaError) throw e;
        throw err.validation('faults', (e as Error).message);
      }
      return { status: 200, body: core.faults };
    }
    case 'GET credentials': {
      const env = credentials();
      if (ctx.url.searchParams.get('format') === 'env')
        return {
          status: 200,
          body: toExportLines(env),
          headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        };
      return { status: 200, body: env };
    }
    case 'GET state':
      return { status: 200, body: publicState(core) };
  }
  if (['stats', 'log', 'reset', 'faults', 'credentials', 'state'].includes(name))
    throw err.methodNotAllowed(name === 'reset' ? ['POST'] : name === 'faults' ? ['GET', 'PUT'] : ['GET']);
  throw err.notFound(`${ctx.url.pathname} (admin endpoint)`);
}
