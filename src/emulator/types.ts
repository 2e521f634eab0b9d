/**
 * Public types of the local Okta emulator: options, the running handle, stats, log entries, faults and
 * the seed format. Others code against these; change them only additively.
 */
import type { AerialEnvironment, PrincipalType } from '../okta-api';

/** Options of {@link startEmulator}. All optional. */
export interface EmulatorOptions {
  /** TCP port. @default 0 (a free port) */
  readonly port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  readonly host?: string;
  /** Seed object, or path of a seed JSON file. @default - the built-in demo seed */
  readonly seed?: EmulatorSeed | string;
  /** File that keeps state across restarts (loaded if present, else created from the seed). @default - memory only */
  readonly statePath?: string;
  /** Latency added to every non-admin request. @default 0 */
  readonly latencyMs?: number;
  /** Random extra latency, 0..jitterMs. @default 0 */
  readonly jitterMs?: number;
  /** Fault injection rules. @default - none */
  readonly faults?: FaultConfig | FaultShorthand;
  /** Seed of the random generator used for faults and jitter (repeatable runs). @default - random */
  readonly randomSeed?: number;
  /** Lifetime of issued access tokens. @default 3600 */
  readonly tokenTtlSeconds?: number;
  /** Requests in flight per (environment, Aerial account). @default 10 */
  readonly aerialConcurrency?: number;
  /** Requests in flight per org (token and management API routes). @default 75 */
  readonly orgConcurrency?: number;
  /** Optional per-minute request limit per (environment, account) and per org. @default - off */
  readonly rateLimitPerMinute?: number;
  /** No start-up or warning output on stderr. @default false */
  readonly quiet?: boolean;
  /** Clock in epoch ms, injectable so token expiry can be tested without waiting. @default Date.now */
  readonly now?: () => number;
}

/** Handle of a started emulator. */
export interface RunningEmulator {
  /** Base URL, e.g. http://127.0.0.1:PORT (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Stops the server and flushes state to disk. */
  stop(): Promise<void>;
  stats(): EmulatorStats;
  log(): RequestLogEntry[];
  /** Clears stats and the request log only (not state). */
  reset(): void;
  setFaults(faults: FaultConfig | FaultShorthand): void;
  /** Environment variables that point a stack or script at this emulator. */
  credentials(): Record<string, string>;
}

/** Counters for tests and benchmarks. */
export interface EmulatorStats {
  totalRequests: number;
  byRoute: Record<string, Record<string, number>>;
  /** Highest number of requests in flight, keyed `${env}/${accountId}`. */
  maxInFlight: Record<string, number>;
  /** Highest number of requests in flight per org subdomain. */
  maxInFlightOrg: Record<string, number>;
  /** 429 responses sent (real and injected). */
  throttled: number;
  tokensIssued: Record<string, number>;
  /** Successful (2xx) POST/PUT calls to the Aerial or Principal Rate Limits APIs. */
  writes: number;
}

/** One handled request (never holds a token or assertion). */
export interface RequestLogEntry {
  ts: string;
  method: string;
  path: string;
  route: string;
  status: number;
  env?: string;
  accountId?: string;
  org?: string;
  clientId?: string;
  principal?: string;
  retryFor?: string;
  retryCount?: number;
}

/** One fault-injection rule; probabilities are 0..1. */
export interface FaultRule {
  /** Route name ('aerial.listOrgs') or prefix ('aerial.', 'prl.'); absent = every non-admin route. */
  readonly route?: string;
  readonly method?: string;
  readonly rate429?: number;
  /** @default 'concurrency' */
  readonly shape429?: 'concurrency' | 'rate';
  readonly rate5xx?: number;
  /** @default [500, 502, 503] */
  readonly statuses5xx?: number[];
  /** Probability of destroying the socket without a response. */
  readonly resetRate?: number;
  readonly latencyMs?: number;
  readonly jitterMs?: number;
}

/** Fault configuration: rules are checked in order, the first matching rule applies. */
export interface FaultConfig {
  readonly randomSeed?: number;
  readonly rules: FaultRule[];
}

/** A single global rule written flat, e.g. `{ "rate429": 0.1 }`. */
export type FaultShorthand = FaultRule & { readonly randomSeed?: number };

// ---------------------------------------------------------------------------------------------------
// Seed format (documented in the README section; validated by seed.ts)

/** A seed: the accounts, orgs, principals and clients the emulator starts with. */
export interface EmulatorSeed {
  readonly accounts: SeedAccount[];
  readonly orgs: SeedOrg[];
}

/** An Aerial account. */
export interface SeedAccount {
  /** 27 lowercase letters/digits. */
  readonly id: string;
  readonly name: string;
  /** @default 'production' */
  readonly environment?: AerialEnvironment;
  /** Okta Partner Program account: deletion requests allowed outside the sandbox. @default false */
  readonly partner?: boolean;
  /** Id of the account's Aerial org (must be in `orgs`). */
  readonly aerialOrgId: string;
  readonly subscribedProducts: { readonly id: string; readonly name: string }[];
}

/** An org: the account's Aerial org or a customer org. */
export interface SeedOrg {
  readonly id: string;
  /** @default - the subdomain */
  readonly name?: string;
  /** e.g. acme-prod.okta.com; its first label is the subdomain used in the org's emulator URL. */
  readonly domain: string;
  readonly cell: string;
  /** @default 'ACTIVE' */
  readonly status?: 'ACTIVE' | 'INACTIVE';
  /** ISO date. @default - start time */
  readonly createdDate?: string;
  /** Account whose Okta contract the org is on (it can only be linked to that account). */
  readonly contractAccountId?: string | null;
  /** Account the org granted Aerial consent to. */
  readonly consentAccountId?: string | null;
  /** Account the org is already linked to. */
  readonly linkedAccountId?: string | null;
  /** Product ids enabled in the org (must be subscribed by the linked account). @default [] */
  readonly enabledProducts?: string[];
  /** API tokens (SSWS_TOKEN) and OAuth apps (OAUTH_CLIENT) that rate limits can apply to. @default [] */
  readonly principals?: { readonly id: string; readonly type: PrincipalType; readonly name?: string }[];
  /** SSWS API tokens accepted by the org's management API. */
  readonly apiTokens?: SeedApiToken[];
  /** OAuth service apps registered in the org (private_key_jwt). */
  readonly clients?: SeedClient[];
  /** Existing principal rate limit entities. */
  readonly rateLimits?: SeedRateLimit[];
}

/** An SSWS API token of an org. */
export interface SeedApiToken {
  /** Principal id of the token (00T...), must be an SSWS_TOKEN principal of the org. */
  readonly principalId: string;
  /** Token value. @default - random, generated at first start and kept in state */
  readonly value?: string;
  /** User that owns the token (reported as createdBy / lastUpdatedBy). @default '00uDemoAdmin00000001' */
  readonly userId?: string;
}

/** An OAuth service app (client credentials with private_key_jwt). */
export interface SeedClient {
  readonly clientId: string;
  /** Scopes an admin granted to the app. */
  readonly scopes: string[];
  /** Registered public keys (JWK with kid). @default - the emulator's generated demo keys */
  readonly jwks?: Record<string, unknown>[];
}

/** An existing principal rate limit entity. */
export interface SeedRateLimit {
  /** @default - generated */
  readonly id?: string;
  readonly principalId: string;
  readonly principalType: PrincipalType;
  /** @default 50 */
  readonly defaultPercentage?: number;
  /** @default 50 */
  readonly defaultConcurrencyPercentage?: number;
}
