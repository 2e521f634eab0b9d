/**
 * The spec: the versioned JSON a construct renders into its lifecycle resources and a hook reads back
 * from OKTA_AERIAL_SPEC. It holds natural keys, desired state, where the API is, and the *names* of
 * environment variables holding credentials — never their values.
 */
import type { AerialEnvironment, OrgStatus, PrincipalType } from '../okta-api';

export const SPEC_VERSION = 1;

/** What to do with the remote object when the resource is destroyed. */
export type RemovalPolicy = 'RETAIN' | 'DESTROY';
/** The removal policies as constants, for a CDK feel: `removalPolicy: RemovalPolicy.DESTROY`. */
export const RemovalPolicy = { RETAIN: 'RETAIN', DESTROY: 'DESTROY' } as const;
export const REMOVAL_POLICIES: readonly RemovalPolicy[] = ['RETAIN', 'DESTROY'];

/** Where and how to reach one Aerial account. */
export interface AerialConnectionSpec {
  readonly accountId: string;
  /** Base URL of the Aerial API host, without the account id (e.g. https://aerial-apac.okta.com). */
  readonly baseUrl: string;
  /** Token endpoint of the account's Aerial org (https://{aerialOrgDomain}/oauth2/v1/token). */
  readonly tokenUrl: string;
  readonly clientId: string;
  /** Name of the env var holding the private key (PEM or JWK JSON). */
  readonly privateKeyEnv: string;
  /** Name of the env var holding the key id; optional. */
  readonly keyIdEnv?: string;
  readonly dpop: boolean;
  /** Cap on requests in flight to this account (across every process on the machine). */
  readonly maxConcurrency: number;
  /** Overall deadline for one operation, retries included. */
  readonly deadlineMs: number;
  /** Which Aerial environment the account lives in (baseUrl may point elsewhere, e.g. at the emulator). */
  readonly environment?: AerialEnvironment;
  /** An Okta Partner Program account: deletion requests are allowed outside the sandbox. */
  readonly partnerAccount?: boolean;
}

/** Auth for one org's management API. */
export type OrgAuthSpec =
  | { readonly type: 'ssws'; readonly tokenEnv: string }
  | {
      readonly type: 'oauth';
      readonly clientId: string;
      /** Defaults to {orgUrl}/oauth2/v1/token. */
      readonly tokenUrl: string;
      readonly privateKeyEnv: string;
      readonly keyIdEnv?: string;
      readonly dpop: boolean;
    };

/** Where and how to reach one org's management API. */
export interface OrgConnectionSpec {
  /** Base URL of the org (https://acme.okta.com). */
  readonly orgUrl: string;
  readonly auth: OrgAuthSpec;
  readonly maxConcurrency: number;
  readonly deadlineMs: number;
}

/** How an org is identified within an account: by id, or by domain and cell until linked. */
/** How an org is named: by id (the cell, if given, is sent when linking, as Okta's examples do), or by domain and cell. */
export type OrgRefSpec =
  { readonly orgId: string; readonly cell?: string } | { readonly domain: string; readonly cell: string };

interface SpecBase {
  readonly v: typeof SPEC_VERSION;
  /** Construct path, for messages. */
  readonly path: string;
  readonly removalPolicy: RemovalPolicy;
}

export interface AerialOrgSpec extends SpecBase {
  readonly kind: 'aerial-org';
  readonly account: AerialConnectionSpec;
  readonly org: OrgRefSpec;
  readonly status: OrgStatus;
  /** The org's own management API, through which apply grants Aerial consent before linking. */
  readonly consent?: OrgConnectionSpec;
  /** On destroy with DESTROY: after deactivating, request deletion (sandbox / partner accounts only). */
  readonly requestDeletion: boolean;
}

export interface ProductAssignmentSpec extends SpecBase {
  readonly kind: 'product-assignment';
  readonly account: AerialConnectionSpec;
  readonly org: OrgRefSpec;
  /** Exactly the set of product ids that must be enabled (sorted, unique). */
  readonly productIds: readonly string[];
}

export interface PrincipalRateLimitSpec extends SpecBase {
  readonly kind: 'principal-rate-limit';
  readonly org: OrgConnectionSpec;
  readonly principalId: string;
  readonly principalType: PrincipalType;
  readonly defaultPercentage: number;
  readonly defaultConcurrencyPercentage: number;
}

export type ResourceSpec = AerialOrgSpec | ProductAssignmentSpec | PrincipalRateLimitSpec;
export type ResourceKind = ResourceSpec['kind'];

/**
 * What the identity resource carries (its `input`, the spec a destroy hook receives): the natural key, the
 * connection, the removal policy and what destroy needs, but not the desired state it does not need.
 */
export type AerialOrgIdentitySpec = Omit<AerialOrgSpec, 'status' | 'consent'> & { readonly role: 'identity' };
export type ProductAssignmentIdentitySpec = ProductAssignmentSpec & { readonly role: 'identity' };
export type PrincipalRateLimitIdentitySpec = Omit<
  PrincipalRateLimitSpec,
  'defaultPercentage' | 'defaultConcurrencyPercentage'
> & { readonly role: 'identity' };
export type IdentitySpec =
  AerialOrgIdentitySpec | ProductAssignmentIdentitySpec | PrincipalRateLimitIdentitySpec;
