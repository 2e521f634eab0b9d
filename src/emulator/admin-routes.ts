/** Admin endpoints under `/__admin/` (not Okta APIs: no auth, no faults, not counted in stats). */
import type { EmulatorCore } from './core';
import { err, OktaError } from './errors';
import { normalizeFaults } from './faults';
import { toExportLines } from './credentials';
import { jsonBody } from './request';
import { ok } from './response';
import { route } from './router';
import type { AdminHandler } from './urls';
import { dpopRequired } from './token-model';

/** The state without secrets, for tests, demos and curious users. */
export function publicState(core: EmulatorCore): unknown {
  const { state } = core.model;
  return {
    accounts: state.accounts.map((a) => ({
      ...a,
      subscribedProducts: a.subscribedProducts.map((p) => ({ ...p })),
    })),
    orgs: state.orgs.map((o) => ({
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
      deleted: !core.model.exists(o),
      deletionPending: o.deletionRequestedAt !== undefined && core.model.exists(o),
      parentOrgId: o.parentOrgId,
      url: core.orgBase(o),
      principals: o.principals.map((p) => ({ ...p })),
      clients: o.clients.map((c) => ({
        clientId: c.clientId,
        scopes: [...c.scopes],
        dpopBoundAccessTokens: dpopRequired(c, core.opts.strict),
      })),
      rateLimits: o.rateLimits.map((r) => ({ ...r })),
    })),
  };
}

const putFaults: AdminHandler = (core, ctx) => {
  try {
    core.setFaults(normalizeFaults(jsonBody(ctx)));
  } catch (e) {
    if (e instanceof OktaError) throw e;
    throw err.validation('faults', (e as Error).message);
  }
  return ok(core.faults);
};

const credentials: AdminHandler = (core, ctx) => {
  const env = core.credentials();
  if (ctx.url.searchParams.get('format') === 'env')
    return {
      status: 200,
      body: toExportLines(env),
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    };
  return ok(env);
};

/** Paths under `/__admin`. */
export const ADMIN_ROUTES = [
  route<AdminHandler>('/stats', { GET: ['admin.stats', (core) => ok(core.stats)] }),
  route<AdminHandler>('/log', { GET: ['admin.log', (core) => ok(core.logEntries)] }),
  route<AdminHandler>('/reset', {
    POST: [
      'admin.reset',
      (core) => {
        core.resetStats();
        return ok({ ok: true });
      },
    ],
  }),
  route<AdminHandler>('/faults', {
    GET: ['admin.faults', (core) => ok(core.faults)],
    PUT: ['admin.setFaults', putFaults],
  }),
  route<AdminHandler>('/credentials', { GET: ['admin.credentials', credentials] }),
  route<AdminHandler>('/state', { GET: ['admin.state', (core) => ok(publicState(core))] }),
];
