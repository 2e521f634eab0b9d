/**
 * Wire types of the Okta APIs this project manages (see shared/okta-api.md).
 * Shared by the client, the handlers and the emulator; nothing else is shared between client and emulator.
 */

/** Status of an org in an Aerial account. */
export type OrgStatus = 'ACTIVE' | 'INACTIVE';
export const ORG_STATUSES: readonly OrgStatus[] = ['ACTIVE', 'INACTIVE'];

/** Kind of principal a rate limit applies to. */
export type PrincipalType = 'SSWS_TOKEN' | 'OAUTH_CLIENT';
export const PRINCIPAL_TYPES: readonly PrincipalType[] = ['SSWS_TOKEN', 'OAUTH_CLIENT'];

/** Okta's default share for a principal, used when a limit is reset. */
export const DEFAULT_PRINCIPAL_PERCENTAGE = 50;

/** An HAL link as Okta renders it. */
export interface HalLink {
  readonly href: string;
  readonly hints?: { readonly allow?: string[] };
  readonly name?: string;
  readonly type?: string;
  readonly templated?: boolean;
}

/** Aerial account (A1/A2). */
export interface Account {
  readonly id: string;
  readonly name: string;
}

/** A product, of the account's subscription or enabled in an org. */
export interface Product {
  readonly id: string;
  readonly name?: string;
}

/** An org managed by an Aerial account. */
export interface Org {
  readonly id: string;
  readonly accountId: string;
  readonly name: string;
  readonly cell: string;
  readonly domain: string;
  readonly status: OrgStatus;
  readonly aerialOrg: boolean;
  readonly createdDate: string;
  readonly region?: string;
  readonly createdBy?: string;
  /**
   * Set while a deletion request is pending (emulator inference; okta-api.md says deletion may be
   * asynchronous and documents no marker).
   */
  readonly deletionRequested?: boolean;
  readonly _links?: Record<string, HalLink>;
}

/** Body of "link an org" (O2): by org id, or by domain and cell. */
export type LinkOrgRequest =
  { readonly orgId: string; readonly cell?: string } | { readonly domain: string; readonly cell: string };

/** A principal rate limit entity of one org. */
export interface PrincipalRateLimitEntity {
  readonly id?: string;
  readonly orgId?: string;
  readonly principalId: string;
  readonly principalType: PrincipalType;
  readonly defaultPercentage?: number;
  readonly defaultConcurrencyPercentage?: number;
  readonly createdBy?: string;
  readonly createdDate?: string;
  readonly lastUpdate?: string;
  readonly lastUpdatedBy?: string;
}

/** An org's Aerial consent (okta-api.md §1.7): the account it lets link the org. */
export interface AerialConsent {
  readonly accountId: string;
  readonly grantedBy?: string;
  readonly grantedDate?: string;
}

/**
 * Metadata of an SSWS API token (API Tokens API, `GET /api/v1/api-tokens[/{apiTokenId}]`); never the
 * secret. Okta's schema names the links `_link`; its samples show `_links`: read either.
 */
export interface ApiToken {
  /** The token's id: the principal id its rate limit is keyed on (`00T...`). */
  readonly id: string;
  readonly name: string;
  readonly userId?: string;
  readonly clientName?: string;
  /** ISO 8601 duration of inactivity after which the token expires, e.g. `P30D`. */
  readonly tokenWindow?: string;
  readonly created?: string;
  readonly lastUpdated?: string;
  readonly expiresAt?: string;
  readonly network?: {
    readonly connection?: string;
    readonly include?: string[];
    readonly exclude?: string[];
  };
  readonly _links?: Record<string, HalLink>;
  readonly _link?: Record<string, HalLink>;
}

/** Okta's error object (any 4xx/5xx). */
export interface OktaErrorBody {
  readonly errorCode: string;
  readonly errorSummary: string;
  readonly errorLink?: string;
  readonly errorId?: string;
  readonly errorCauses?: { readonly errorSummary: string }[];
}

/** OAuth scopes. */
export const SCOPES = {
  accountsRead: 'okta.accounts.read',
  accountsManage: 'okta.accounts.manage',
  principalRateLimitsRead: 'okta.principalRateLimits.read',
  principalRateLimitsManage: 'okta.principalRateLimits.manage',
  apiTokensRead: 'okta.apiTokens.read',
  apiTokensManage: 'okta.apiTokens.manage',
  orgsRead: 'okta.orgs.read',
  orgsManage: 'okta.orgs.manage',
} as const;

/** Public Aerial hosts by environment. */
export const AERIAL_ENVIRONMENTS = {
  production: 'https://aerial-apac.okta.com',
  sandbox: 'https://aerial-sandbox.okta.com',
} as const;
export type AerialEnvironment = keyof typeof AERIAL_ENVIRONMENTS;
