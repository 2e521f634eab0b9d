/**
 * Public types of the local Okta emulator: options, the running handle, stats and log entries (the seed
 * and fault types are `z.infer` of their schemas, in seed-schema.ts and faults.ts). Others code against
 * these; change them only additively.
 */
import type { AerialEnvironment } from '../okta-api';
import type { FaultConfig, FaultShorthand } from './faults';
import type { EmulatorSeed } from './seed-schema';

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
  /**
   * With an existing state file, also add what `seed` declares and the file lacks (accounts, products, orgs,
   * and principals, API tokens and OAuth apps of the orgs it has); what the file has stays. What
   * `okta-aerial emulator --app` and `--seed` do. @default false - the state file wins, the seed is ignored
   */
  readonly seedMissing?: boolean;
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
  /**
   * As strict as Okta where okta-api.md leaves room: every service app requires DPoP in token requests
   * (whatever the seed says), a read needs the read scope (a manage scope alone is refused), a token request
   * naming a scope the app was not granted is refused as a whole (`invalid_scope`), and a product list PUT
   * needs `{id, name}` objects. @default false
   */
  readonly strict?: boolean;
  /**
   * Serve only this environment's Aerial API, at the root of the port: `/{accountId}/api/v1/...` as on
   * https://aerial-apac.okta.com (org APIs stay under `/orgs/{subdomain}`). @default - both environments,
   * under `/aerial/{environment}`
   */
  readonly environment?: AerialEnvironment;
  /** How long an org stays visible, INACTIVE and `deletionRequested`, after a deletion request. @default 0 (gone at once) */
  readonly deletionDelayMs?: number;
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
