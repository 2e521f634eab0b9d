/** The emulator's in-memory model: what a seed becomes and what `--state` persists. */
import type { AerialEnvironment, OrgStatus, PrincipalType, Product } from '../okta-api';

/** An Aerial account. */
export interface AccountState {
  id: string;
  name: string;
  environment: AerialEnvironment;
  partner: boolean;
  aerialOrgId: string;
  subscribedProducts: { id: string; name: string }[];
}

/** Consent an org granted to an Aerial account (okta-api.md 1.7). */
export interface ConsentState {
  accountId: string;
  grantedBy: string;
  grantedDate: string;
}

/** An org principal a rate limit can apply to. */
export interface PrincipalState {
  id: string;
  type: PrincipalType;
  name?: string;
}

/** An SSWS API token; `value` is a secret (encrypted at rest). */
export interface ApiTokenState {
  principalId: string;
  value: string;
  userId: string;
  /** Display name (API Tokens API `name`). @default - the principal's name */
  name?: string;
  /** The app that created the token (API Tokens API `clientName`). @default 'Okta API' */
  clientName?: string;
}

/** An OAuth service app; `jwks` null means "the emulator's generated keys". */
export interface ClientState {
  clientId: string;
  scopes: string[];
  jwks: Record<string, unknown>[] | null;
  /**
   * "Require DPoP header in token requests" (Okta's `dpop_bound_access_tokens`); on unless an admin turned
   * it off. Undefined (a state file written before the setting existed) counts as on.
   */
  dpopBoundAccessTokens?: boolean;
}

/** A principal rate limit entity as stored. */
export interface RateLimitState {
  id: string;
  orgId: string;
  principalId: string;
  principalType: PrincipalType;
  defaultPercentage: number;
  defaultConcurrencyPercentage: number;
  createdBy: string;
  createdDate: string;
  lastUpdate: string;
  lastUpdatedBy: string;
}

/** An org (the Aerial org of an account, or a customer org). */
export interface OrgState {
  id: string;
  name: string;
  domain: string;
  /** First label of the domain; names the org's emulator base URL. */
  subdomain: string;
  cell: string;
  status: OrgStatus;
  createdDate: string;
  aerialOrg: boolean;
  contractAccountId?: string;
  consent?: ConsentState;
  linkedAccountId?: string;
  enabledProducts: string[];
  principals: PrincipalState[];
  apiTokens: ApiTokenState[];
  clients: ClientState[];
  rateLimits: RateLimitState[];
  /** Parent org (okta-api.md 1.2: a child org inherits its parent's consent). */
  parentOrgId?: string;
  /** Set once the org is gone from every API (its deletion completed). */
  deleted?: boolean;
  /** When a deletion request was accepted (epoch ms); the org is pending deletion until `deleteAt`. */
  deletionRequestedAt?: number;
  /** When a pending deletion completes (epoch ms); from then on the org counts as deleted. */
  deleteAt?: number;
}

/** A generated signing key pair (the demo clients' key). `privateJwk` is a secret. */
export interface KeyState {
  kid: string;
  alg: 'ES256' | 'RS256';
  publicJwk: Record<string, unknown>;
  privateJwk: Record<string, unknown>;
}

/** An issued access token; only the SHA-256 of the token is kept, so state never holds a usable token. */
export interface TokenState {
  hash: string;
  clientId: string;
  /** Org whose authorization server issued the token. */
  orgId: string;
  /** Set when issued by an account's Aerial org. */
  accountId?: string;
  scopes: string[];
  /** Expiry, epoch ms. */
  exp: number;
  /** DPoP key thumbprint (cnf.jkt) when the token is DPoP-bound. */
  jkt?: string;
}

/** Everything the emulator knows. */
export interface EmulatorState {
  version: 1;
  accounts: AccountState[];
  orgs: OrgState[];
  keys: KeyState[];
  tokens: TokenState[];
}

/** Products of an org in API shape, named from the linked account's subscription. */
export function productsOf(ids: string[], account: AccountState | undefined): Product[] {
  return ids.map((id) => ({ id, name: account?.subscribedProducts.find((p) => p.id === id)?.name ?? id }));
}
