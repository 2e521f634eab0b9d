/**
 * The Aerial API of one account in one environment (okta-api.md §1.6). Describes each call and hands it
 * to an executor (in-process stack or deploy agent); owns no HTTP code, so it loads fast in a hook.
 */
import {
  SCOPES,
  type Account,
  type LinkOrgRequest,
  type Org,
  type OrgStatus,
  type Product,
} from '../okta-api';
import { ApiClientBase, paginate } from './operations';
import type { Executor, RereadSpec } from './types';

const enc = encodeURIComponent;

/** Client of the Okta Aerial API for one account. */
export class AerialClient extends ApiClientBase {
  constructor(
    readonly accountId: string,
    executor: Executor,
    deadlineMs: number,
  ) {
    super(executor, deadlineMs);
  }

  private get root(): string {
    return `/${enc(this.accountId)}/api/v1`;
  }

  /** Retrieves the account (A1). */
  async getAccount(): Promise<Account> {
    return this.call<Account>(`getAccount ${this.accountId}`, 'GET', '/accounts', SCOPES.accountsRead);
  }

  /** Renames the account (A2; only the name is mutable). */
  async replaceAccount(name: string): Promise<Account> {
    return this.call<Account>(`replaceAccount ${this.accountId}`, 'PUT', '/accounts', SCOPES.accountsManage, {
      name,
    });
  }

  private subscribed?: Promise<Product[]>;

  /** The account's subscription, read once per client (a failed read is tried again next time). */
  private subscription(): Promise<Product[]> {
    this.subscribed ??= this.listSubscribedProducts().catch((e: unknown) => {
      this.subscribed = undefined;
      throw e;
    });
    return this.subscribed;
  }

  /** Lists the products the account subscribes to (A3). */
  async listSubscribedProducts(): Promise<Product[]> {
    return this.call<Product[]>(
      `listSubscribedProducts ${this.accountId}`,
      'GET',
      '/products',
      SCOPES.accountsRead,
    );
  }

  /** Lists the account's orgs page by page (O1), following Link rel="next" as given. */
  listOrgs(opts: { filter?: string; limit?: number } = {}): AsyncIterable<Org> {
    return paginate<Org>(this.ops, {
      operation: `listOrgs ${this.accountId}${opts.filter ? ` filter ${opts.filter}` : ''}`,
      method: 'GET',
      path: `${this.root}/orgs`,
      query: { filter: opts.filter, limit: opts.limit },
      scope: SCOPES.accountsRead,
    });
  }

  /** Retrieves one org (O3). */
  async getOrg(orgId: string): Promise<Org> {
    return this.call<Org>(`getOrg ${orgId}`, 'GET', `/orgs/${enc(orgId)}`, SCOPES.accountsRead);
  }

  /** Finds a linked org by domain: filters on its first label (subdomain), then matches the domain case-insensitively. */
  async findOrgByDomain(domain: string): Promise<Org | undefined> {
    const label = domain.split('.')[0];
    for await (const org of this.listOrgs({ filter: `subdomain eq "${label}"` })) {
      if (org.domain.toLowerCase() === domain.toLowerCase()) return org;
    }
    return undefined;
  }

  /** Links an org to the account (O2). A failed attempt is repeated only after a re-read shows the org is not linked yet. */
  async linkOrg(req: LinkOrgRequest): Promise<Org> {
    const byId = 'orgId' in req;
    const target = byId ? req.orgId : req.domain;
    return this.call<Org>(`linkOrg ${target}`, 'POST', '/orgs', SCOPES.accountsManage, req, {
      path: byId ? `${this.root}/orgs/${enc(req.orgId)}` : `${this.root}/orgs`,
      query: byId ? undefined : { filter: `subdomain eq "${req.domain.split('.')[0]}"` },
      pick: byId
        ? { field: 'accountId', equals: this.accountId }
        : { field: 'domain', equals: req.domain, caseInsensitive: true },
    });
  }

  /** Sets an org ACTIVE or INACTIVE (O4). */
  async setOrgStatus(orgId: string, status: OrgStatus): Promise<Org> {
    return this.call<Org>(
      `setOrgStatus ${orgId} ${status}`,
      'PUT',
      `/orgs/${enc(orgId)}/status`,
      SCOPES.accountsManage,
      { status },
    );
  }

  /** Lists the products enabled in an org (O5). */
  async getEnabledProducts(orgId: string): Promise<Product[]> {
    return this.call<Product[]>(
      `getEnabledProducts ${orgId}`,
      'GET',
      `/orgs/${enc(orgId)}/products`,
      SCOPES.accountsRead,
    );
  }

  /**
   * Makes the enabled set exactly these products (O6 replaces the whole set). The body is Okta's documented
   * `[{id, name}]`: a product given by id alone (or without a name) is named from the account's subscription
   * (A3, read once per client); one the subscription does not list is sent as `{id}` for Okta to refuse.
   */
  async setEnabledProducts(orgId: string, products: readonly (string | Product)[]): Promise<Product[]> {
    const wanted = products.map((p) => (typeof p === 'string' ? { id: p } : p));
    const names = wanted.some((p) => !p.name)
      ? new Map((await this.subscription()).map((p) => [p.id, p.name]))
      : undefined;
    const body = wanted.map((p) => {
      const name = p.name || names?.get(p.id);
      return name ? { id: p.id, name } : { id: p.id };
    });
    return this.call<Product[]>(
      `setEnabledProducts ${orgId}`,
      'PUT',
      `/orgs/${enc(orgId)}/products`,
      SCOPES.accountsManage,
      body,
    );
  }

  /**
   * Requests deletion of an INACTIVE org (O8; sandbox or partner accounts). A failed attempt is repeated
   * only if a re-read shows the org is still there and not marked pending deletion.
   */
  async requestDeletion(orgId: string): Promise<void> {
    await this.call<unknown>(
      `requestDeletion ${orgId}`,
      'POST',
      `/orgs/${enc(orgId)}/deletionRequest`,
      SCOPES.accountsManage,
      undefined,
      {
        path: `${this.root}/orgs/${enc(orgId)}`,
        expect: 'absent-or-picked',
        pick: { field: 'deletionRequested', equals: true },
      },
    );
  }

  private async call<T>(
    operation: string,
    method: 'GET' | 'PUT' | 'POST',
    path: string,
    scope: string,
    body?: unknown,
    reread?: RereadSpec,
  ): Promise<T> {
    const res = await this.executor.execute({
      operation,
      method,
      path: `${this.root}${path}`,
      body,
      scope,
      deadlineMs: this.ops.deadlineMs,
      reread,
    });
    return res.data as T;
  }
}
