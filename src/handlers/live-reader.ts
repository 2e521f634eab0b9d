/**
 * Reading the live estate in batches (design.md, "The read path"): an account's orgs come from list pages of
 * 100, an org's rate limits from filtered list pages of 50 (one listing per principal type), an org's
 * products from one GET per org. Every listing is made once per reader and shared by all who ask, so a drift
 * run over hundreds of constructs makes a few hundred requests, all through the shared client (the
 * 10-in-flight cap and one token per credential set still hold). A reader never writes.
 */
import type { AerialClient, PrincipalRateLimitClient } from '../client';
import type {
  AerialConnectionSpec,
  Org,
  OrgConnectionSpec,
  OrgRefSpec,
  PrincipalRateLimitEntity,
  PrincipalType,
  Product,
} from '../contract';

/** Largest page Okta serves for each listing (okta-api.md 1.4 and 2.2). */
export const ORG_PAGE_SIZE = 100;
export const RATE_LIMIT_PAGE_SIZE = 50;

/** The clients a reader reads through (a hook's or the CLI's HandlerContext provides them). */
export interface ReaderClients {
  aerial(conn: AerialConnectionSpec): AerialClient;
  principalRateLimits(conn: OrgConnectionSpec): PrincipalRateLimitClient;
}

/** Read-only, memoized access to the live objects of any number of accounts and orgs. */
export class LiveReader {
  private readonly orgLists = new Map<string, Promise<Org[]>>();
  private readonly productLists = new Map<string, Promise<Product[]>>();
  private readonly subscribed = new Map<string, Promise<Product[]>>();
  private readonly rateLimitLists = new Map<string, Promise<PrincipalRateLimitEntity[]>>();

  constructor(private readonly clients: ReaderClients) {}

  /** Every org linked to the account (ACTIVE and INACTIVE, the Aerial org included). */
  orgs(account: AerialConnectionSpec): Promise<Org[]> {
    return memo(this.orgLists, accountKey(account), async () => {
      const out: Org[] = [];
      for await (const org of this.clients.aerial(account).listOrgs({ limit: ORG_PAGE_SIZE })) out.push(org);
      return out;
    });
  }

  /** The linked org an org reference names, or undefined when it is not linked to the account. */
  async org(account: AerialConnectionSpec, ref: OrgRefSpec): Promise<Org | undefined> {
    const orgs = await this.orgs(account);
    if ('orgId' in ref) return orgs.find((o) => o.id === ref.orgId);
    const domain = ref.domain.toLowerCase();
    return orgs.find((o) => o.domain.toLowerCase() === domain);
  }

  /** The products enabled in a linked org. */
  enabledProducts(account: AerialConnectionSpec, orgId: string): Promise<Product[]> {
    return memo(this.productLists, `${accountKey(account)} ${orgId}`, () =>
      this.clients.aerial(account).getEnabledProducts(orgId),
    );
  }

  /** The products the account subscribes to (with their names). */
  subscribedProducts(account: AerialConnectionSpec): Promise<Product[]> {
    return memo(this.subscribed, accountKey(account), () =>
      this.clients.aerial(account).listSubscribedProducts(),
    );
  }

  /** Every rate-limit entity of one principal type in an org. */
  rateLimits(org: OrgConnectionSpec, principalType: PrincipalType): Promise<PrincipalRateLimitEntity[]> {
    return memo(this.rateLimitLists, `${org.orgUrl} ${principalType}`, async () => {
      const out: PrincipalRateLimitEntity[] = [];
      const list = this.clients.principalRateLimits(org).list({ principalType, limit: RATE_LIMIT_PAGE_SIZE });
      for await (const e of list) out.push(e);
      return out;
    });
  }

  /** The rate-limit entity of one principal, or undefined when it has none. */
  async rateLimit(
    org: OrgConnectionSpec,
    principalId: string,
    principalType: PrincipalType,
  ): Promise<PrincipalRateLimitEntity | undefined> {
    return (await this.rateLimits(org, principalType)).find((e) => e.principalId === principalId);
  }
}

/** An account is the same account wherever its API lives (production, sandbox, an emulator). */
function accountKey(account: AerialConnectionSpec): string {
  return `${account.baseUrl} ${account.accountId}`;
}

/** One promise per key; a failed read is not cached, so a later caller tries again. */
function memo<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let p = cache.get(key);
  if (!p) {
    p = load();
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}
