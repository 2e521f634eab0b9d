/**
 * A whole estate read through the batched LiveReader (and so through the shared client: one token per
 * credential set, at most 10 requests in flight per account): the account, the products it subscribes to,
 * every linked org with its enabled products, and the principal rate limits of the orgs whose management API
 * was named. `show` prints it, `import` turns it into code. Never writes.
 */
import { OktaApiError } from '../client/errors';
import { LiveReader, type ReaderClients } from '../handlers/live-reader';
import {
  PRINCIPAL_TYPES,
  type Account,
  type AerialConnectionSpec,
  type Org,
  type OrgConnectionSpec,
  type PrincipalRateLimitEntity,
  type Product,
} from '../contract';
import { orgUrlSubdomain } from './connection-flags';

/** A linked org and the products enabled in it. */
export interface EstateOrg {
  readonly org: Org;
  /** Sorted by id, without duplicates. */
  readonly products: readonly Product[];
}

/** The principal rate limits of one org's management API. */
export interface EstateOrgApi {
  readonly connection: OrgConnectionSpec;
  /** The linked org (the Aerial org included) the URL belongs to, when it could be told. */
  readonly orgId?: string;
  /** Every entity of both principal types, sorted by type and principal id. */
  readonly rateLimits: readonly PrincipalRateLimitEntity[];
  /**
   * The names of the org's API tokens by id (the SSWS principal ids), from its API Tokens API; empty when the
   * connection may not read them (they need a super admin's SSWS token or okta.apiTokens.read).
   */
  readonly tokenNames?: ReadonlyMap<string, string>;
}

/** Everything `show` and `import` need. */
export interface Estate {
  readonly account: Account;
  readonly connection: AerialConnectionSpec;
  readonly subscribedProducts: readonly Product[];
  /** Every org linked to the account, the Aerial org included, sorted by domain. */
  readonly orgs: readonly EstateOrg[];
  /** One per org connection, in the order given. */
  readonly orgApis: readonly EstateOrgApi[];
}

/** Reads the estate of `account` (and the rate limits behind `orgConnections`) through `clients`. */
export async function readEstate(
  clients: ReaderClients,
  account: AerialConnectionSpec,
  orgConnections: readonly OrgConnectionSpec[],
): Promise<Estate> {
  const reader = new LiveReader(clients);
  const rateLimitsOf = async (conn: OrgConnectionSpec): Promise<PrincipalRateLimitEntity[]> => {
    const lists = await Promise.all(PRINCIPAL_TYPES.map((type) => reader.rateLimits(conn, type)));
    return lists.flat().sort(byTypeAndPrincipal);
  };
  // Everything at once: the shared client's limiter keeps the requests in flight under the account's cap.
  const [info, subscribed, orgs, rateLimits] = await Promise.all([
    clients.aerial(account).getAccount(),
    reader.subscribedProducts(account),
    reader.orgs(account).then((list) =>
      Promise.all(
        list.map(async (org) => ({
          org,
          products: uniqueById(await reader.enabledProducts(account, org.id)),
        })),
      ),
    ),
    Promise.all(orgConnections.map(rateLimitsOf)),
  ]);
  const tokenNames = await Promise.all(
    orgConnections.map((conn, i) => apiTokenNames(clients, conn, rateLimits[i])),
  );
  const sortedOrgs = [...orgs].sort(
    (a, b) => cmp(a.org.domain.toLowerCase(), b.org.domain.toLowerCase()) || cmp(a.org.id, b.org.id),
  );
  const linked = sortedOrgs.map((o) => o.org);
  return {
    account: { id: info.id ?? account.accountId, name: info.name },
    connection: account,
    subscribedProducts: uniqueById(subscribed),
    orgs: sortedOrgs,
    orgApis: orgConnections.map((connection, i) => ({
      connection,
      orgId: matchOrgUrl(connection.orgUrl, linked, rateLimits[i])?.id,
      rateLimits: rateLimits[i],
      tokenNames: tokenNames[i],
    })),
  };
}

/**
 * The org an org URL belongs to: the org whose domain is the URL's host; else the org the URL's rate-limit
 * entities name (`orgId`); else the org whose subdomain the URL names (the emulator's `.../orgs/acme-prod`).
 */
export function matchOrgUrl(
  orgUrl: string,
  orgs: readonly Org[],
  rateLimits: readonly PrincipalRateLimitEntity[],
): Org | undefined {
  let host = '';
  try {
    host = new URL(orgUrl).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  const byDomain = orgs.find((o) => o.domain.toLowerCase() === host);
  if (byDomain) return byDomain;
  const entityOrgIds = new Set(rateLimits.map((e) => e.orgId).filter((id) => id !== undefined));
  if (entityOrgIds.size === 1) {
    const [id] = entityOrgIds;
    const byEntity = orgs.find((o) => o.id === id);
    if (byEntity) return byEntity;
  }
  const subdomain = orgUrlSubdomain(orgUrl);
  return orgs.find((o) => o.domain.toLowerCase().split('.')[0] === subdomain);
}

function byTypeAndPrincipal(a: PrincipalRateLimitEntity, b: PrincipalRateLimitEntity): number {
  return cmp(a.principalType, b.principalType) || cmp(a.principalId, b.principalId);
}

function uniqueById(products: readonly Product[]): Product[] {
  const byId = new Map<string, Product>();
  for (const p of products) if (!byId.has(p.id)) byId.set(p.id, p);
  return [...byId.values()].sort((a, b) => cmp(a.id, b.id));
}

/** Plain code-unit order: the same on every machine and locale (generated code must be stable). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The names of the API tokens that SSWS rate limits apply to (Okta's own tools name SSWS principals through
 * the API Tokens API). Read only when there are such limits; a connection that may not read tokens gets
 * none, since the names only help a reader.
 */
async function apiTokenNames(
  clients: ReaderClients,
  conn: OrgConnectionSpec,
  limits: readonly PrincipalRateLimitEntity[],
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const wanted = new Set(limits.filter((e) => e.principalType === 'SSWS_TOKEN').map((e) => e.principalId));
  if (wanted.size === 0) return names;
  try {
    for await (const t of clients.principalRateLimits(conn).listApiTokens())
      if (wanted.has(t.id) && t.name) names.set(t.id, t.name);
  } catch (err) {
    // Not allowed to read tokens (no super admin token, scope not granted, no such API): no names.
    if (!(err instanceof OktaApiError) || ![400, 401, 403, 404].includes(err.status ?? 0)) throw err;
  }
  return names;
}
