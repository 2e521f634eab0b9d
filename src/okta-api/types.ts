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
} as const;

/** Public Aerial hosts by environment. */
export const AERIAL_ENVIRONMENTS = {
  production: 'https://aerial-apac.okta.com',
  sandbox: 'https://aerial-sandbox.okta.com',
} as const;
export type AerialEnvironment = keyof typeof AERIAL_ENVIRONMENTS;
