/**
 * The Principal Rate Limits API of one org (okta-api.md §2), the reads of its API Tokens API that name
 * the SSWS principals those limits apply to, and its Aerial consent (§1.7), which linking the org needs. Describes each call and hands it to an executor; owns no HTTP
 * code.
 */
import {
  SCOPES,
  type AerialConsent,
  type ApiToken,
  type PrincipalRateLimitEntity,
  type PrincipalType,
} from '../okta-api';
import { isNotFound } from './errors/api-error';
import { ApiClientBase, pages, paginate, type Page } from './operations';
import { PrincipalLookups } from './principal-lookups';
import type { ApiRequest, Executor } from './types';

const PATH = '/api/v1/principal-rate-limits';
const API_TOKENS = '/api/v1/api-tokens';
const CONSENT = '/api/v1/org/privacy/aerial';

/** The writable fields of an entity (read-only ones are not sent). */
function writable(e: PrincipalRateLimitEntity): PrincipalRateLimitEntity {
  const out: { -readonly [K in keyof PrincipalRateLimitEntity]?: PrincipalRateLimitEntity[K] } = {
    principalId: e.principalId,
    principalType: e.principalType,
  };
  if (e.defaultPercentage !== undefined) out.defaultPercentage = e.defaultPercentage;
  if (e.defaultConcurrencyPercentage !== undefined)
    out.defaultConcurrencyPercentage = e.defaultConcurrencyPercentage;
  return out as PrincipalRateLimitEntity;
}

function filterOf(principalType: PrincipalType, principalId?: string): string {
  return principalId
    ? `principalType eq "${principalType}" and principalId eq "${principalId}"`
    : `principalType eq "${principalType}"`;
}

interface ListOptions {
  principalType: PrincipalType;
  principalId?: string;
  limit?: number;
}

function listing(opts: ListOptions): Omit<ApiRequest, 'deadlineMs'> {
  return {
    operation: `listPrincipalRateLimits ${opts.principalType}${opts.principalId ? ` ${opts.principalId}` : ''}`,
    method: 'GET',
    path: PATH,
    query: { filter: filterOf(opts.principalType, opts.principalId), limit: opts.limit },
    scope: SCOPES.principalRateLimitsRead,
  };
}

/** Client of one org's Principal Rate Limits API. */
export class PrincipalRateLimitClient extends ApiClientBase {
  private readonly lookups = new PrincipalLookups({
    pages: (principalType, limit) => this.pages({ principalType, limit }),
    one: (principalType, principalId) => this.findOne(principalId, principalType),
  });

  constructor(
    readonly orgUrl: string,
    executor: Executor,
    deadlineMs: number,
  ) {
    super(executor, deadlineMs);
  }

  /** Lists entities of one principal type (optionally one principal), page by page. */
  list(opts: ListOptions): AsyncIterable<PrincipalRateLimitEntity> {
    return paginate<PrincipalRateLimitEntity>(this.ops, listing(opts));
  }

  /** The same listing's pages, each with whether another follows. */
  pages(opts: ListOptions): AsyncIterable<Page<PrincipalRateLimitEntity>> {
    return pages<PrincipalRateLimitEntity>(this.ops, listing(opts));
  }

  /** Retrieves one entity by its id. */
  async get(id: string): Promise<PrincipalRateLimitEntity> {
    return this.call(
      `getPrincipalRateLimit ${id}`,
      'GET',
      `${PATH}/${encodeURIComponent(id)}`,
      SCOPES.principalRateLimitsRead,
    );
  }

  /** Creates the entity of a principal. A failed attempt is repeated only after a re-read shows no entity exists yet. */
  async create(e: PrincipalRateLimitEntity): Promise<PrincipalRateLimitEntity> {
    const res = await this.executor.execute({
      operation: `createPrincipalRateLimit ${e.principalId}`,
      method: 'POST',
      path: PATH,
      body: writable(e),
      scope: SCOPES.principalRateLimitsManage,
      deadlineMs: this.ops.deadlineMs,
      reread: {
        path: PATH,
        query: { filter: filterOf(e.principalType, e.principalId) },
        pick: { field: 'principalId', equals: e.principalId },
      },
    });
    return res.data as PrincipalRateLimitEntity;
  }

  /** Replaces an entity's percentages (PUT; principalId and principalType must match the stored ones). */
  async replace(id: string, e: PrincipalRateLimitEntity): Promise<PrincipalRateLimitEntity> {
    return this.call(
      `replacePrincipalRateLimit ${id}`,
      'PUT',
      `${PATH}/${encodeURIComponent(id)}`,
      SCOPES.principalRateLimitsManage,
      writable(e),
    );
  }

  /**
   * The entity of a principal, if one exists (Okta allows at most one per principal). Lookups started
   * together are answered by one listing of their type when there are enough of them (`principal-lookups.ts`).
   */
  async findByPrincipal(
    principalId: string,
    principalType: PrincipalType,
  ): Promise<PrincipalRateLimitEntity | undefined> {
    return this.lookups.find(principalId, principalType);
  }

  /** The entity of one principal by a listing filtered to it: what a lookup alone sends. */
  private async findOne(
    principalId: string,
    principalType: PrincipalType,
  ): Promise<PrincipalRateLimitEntity | undefined> {
    for await (const e of this.list({ principalType, principalId })) {
      if (e.principalId === principalId) return e;
    }
    return undefined;
  }

  /**
   * Lists the metadata of the org's API tokens (never their values), page by page: each token's `id` is
   * the principal id of an SSWS_TOKEN rate limit, its `name` what an admin calls it. Needs an SSWS token
   * of a super admin, or OAuth with okta.apiTokens.read.
   */
  listApiTokens(opts: { limit?: number } = {}): AsyncIterable<ApiToken> {
    return paginate<ApiToken>(this.ops, {
      operation: 'listApiTokens',
      method: 'GET',
      path: API_TOKENS,
      query: { limit: opts.limit },
      scope: SCOPES.apiTokensRead,
    });
  }

  /** Retrieves one API token's metadata by its id (the SSWS principal id, `00T...`). */
  async getApiToken(apiTokenId: string): Promise<ApiToken> {
    return this.call<ApiToken>(
      `getApiToken ${apiTokenId}`,
      'GET',
      `${API_TOKENS}/${encodeURIComponent(apiTokenId)}`,
      SCOPES.apiTokensRead,
    );
  }

  /** The org's Aerial consent, or undefined when it has granted none (404). */
  async getAerialConsent(): Promise<AerialConsent | undefined> {
    try {
      return await this.call<AerialConsent>('getAerialConsent', 'GET', CONSENT, SCOPES.orgsRead);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /**
   * Grants Aerial consent to an account (needs okta.orgs.manage, or an SSWS token of a super admin). A failed
   * attempt is repeated only after a re-read shows no grant for the account yet.
   */
  async grantAerialConsent(accountId: string): Promise<AerialConsent> {
    const res = await this.executor.execute({
      operation: `grantAerialConsent ${accountId}`,
      method: 'POST',
      path: `${CONSENT}/grant`,
      body: { accountId },
      scope: SCOPES.orgsManage,
      deadlineMs: this.ops.deadlineMs,
      reread: { path: CONSENT, pick: { field: 'accountId', equals: accountId } },
    });
    return res.data as AerialConsent;
  }

  private async call<T = PrincipalRateLimitEntity>(
    operation: string,
    method: 'GET' | 'PUT',
    path: string,
    scope: string,
    body?: unknown,
  ): Promise<T> {
    const res = await this.executor.execute({
      operation,
      method,
      path,
      body,
      scope,
      deadlineMs: this.ops.deadlineMs,
    });
    return res.data as T;
  }
}
