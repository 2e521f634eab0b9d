/**
 * Public shapes of the shared client: resolved connections (secret values, never logged), options,
 * counters, and the small request/response records that travel between the API classes and an executor
 * (in-process HTTP stack or the deploy agent). This file must stay free of axios and jose imports.
 */
import type { FailureKind, RetryPolicy } from './policy/retry-policy';

/** A resolved connection to one Aerial account in one environment; holds secret values, never logged. */
export interface AerialConnection {
  readonly accountId: string;
  /** Aerial host without the account id, e.g. https://aerial-apac.okta.com or http://127.0.0.1:P/aerial/production. */
  readonly baseUrl: string;
  /** Token endpoint of the account's Aerial org. */
  readonly tokenUrl: string;
  readonly clientId: string;
  /** PKCS#8 (or PKCS#1) PEM, or a JWK JSON string. */
  readonly privateKey: string;
  /** Key id sent as the assertion's `kid`; defaults to the JWK's `kid`. */
  readonly keyId?: string;
  /**
   * Send a DPoP proof from the first token request. Without it the client still switches to DPoP (and
   * remembers it) when the app refuses a proofless token request with `invalid_dpop_proof`.
   * @default false
   */
  readonly dpop?: boolean;
  /** Cap on requests in flight to this account across every process on the machine. @default 10 */
  readonly maxConcurrency?: number;
  /** Overall deadline of one operation, retries included. @default 300000 (CONNECTION_DEFAULTS) */
  readonly deadlineMs?: number;
}

/** Auth for one org's management API: an SSWS API token or an OAuth service app. */
export type OrgAuth =
  | { readonly type: 'ssws'; readonly token: string }
  | {
      readonly type: 'oauth';
      readonly clientId: string;
      readonly tokenUrl: string;
      readonly privateKey: string;
      readonly keyId?: string;
      /** As {@link AerialConnection.dpop}. @default false */
      readonly dpop?: boolean;
    };

/** A resolved connection to one org's management API; holds secret values, never logged. */
export interface OrgConnection {
  /** Base URL of the org, e.g. https://acme.okta.com. */
  readonly orgUrl: string;
  readonly auth: OrgAuth;
  /** Cap on requests in flight to this org from this machine. @default 10 */
  readonly maxConcurrency?: number;
  /** Overall deadline of one operation, retries included. @default 300000 (CONNECTION_DEFAULTS) */
  readonly deadlineMs?: number;
}

/** Options of a client; the injectable clock and randomness exist so tests are fast and honest. */
export interface ClientOptions {
  /** Route calls through the per-user deploy agent. @default true unless OKTA_AERIAL_NO_AGENT=1 */
  readonly useAgent?: boolean;
  /** Receives redacted debug lines. @default - stderr when OKTA_AERIAL_DEBUG=1, else nothing */
  readonly log?: (line: string) => void;
  /** Waits out a retry's delay. @default - axios-retry's own timer (setTimeout) */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default Math.random */
  readonly random?: () => number;
  /** Overrides of the retry policy. @default DEFAULT_RETRY_POLICY */
  readonly retry?: Partial<RetryPolicy>;
  /** Sees every successful operation's response (e.g. to sum up a hook's retries). */
  readonly onResponse?: (res: ApiResponse) => void;
}

/** Counters of one client, for logs, tests and benchmarks. */
export interface ClientCounters {
  /** HTTP attempts sent to the API (token requests excluded). */
  requests: number;
  retries: number;
  /** 429 responses received. */
  throttled: number;
  /** Highest number of requests in flight at once. */
  maxInFlight: number;
  /** Requests in flight now. */
  inFlight?: number;
  tokensFetched: number;
  /** Current size of the adaptive concurrency window. */
  window?: number;
}

/** Counters of a client that has sent nothing yet. */
export function emptyCounters(): ClientCounters {
  return { requests: 0, retries: 0, throttled: 0, maxInFlight: 0, tokensFetched: 0, window: 0 };
}

/** The two kinds of connection an executor serves. */
export type ConnectionRef =
  | { readonly kind: 'aerial'; readonly conn: AerialConnection }
  | { readonly kind: 'org'; readonly conn: OrgConnection };

/** One API call as the API classes describe it to an executor (serializable). */
export interface ApiRequest {
  /** What a person would call it, e.g. `getOrg 00o123`. */
  readonly operation: string;
  readonly method: 'GET' | 'PUT' | 'POST';
  /** Path below the connection's base (starts with '/'), or an absolute URL given by the server (Link next). */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly body?: unknown;
  /** OAuth scope the call needs. */
  readonly scope: string;
  /** Time left for the whole operation. */
  readonly deadlineMs: number;
  /**
   * For a POST: how to find out whether a failed attempt took effect. Before repeating the POST the
   * executor GETs this and, when the object is there (or gone, for `expect: 'absent'`), returns it instead.
   */
  readonly reread?: RereadSpec;
}

/** A read that tells whether a POST already took effect (serializable). */
export interface RereadSpec {
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** Pick the first item (or the object) whose field equals the value. */
  readonly pick?: {
    readonly field: string;
    readonly equals: string | boolean;
    readonly caseInsensitive?: boolean;
  };
  /**
   * 'present' (default): done when found; 'absent': done when the read is 404 or picks nothing;
   * 'absent-or-picked': done when the read is 404 or picks the item (e.g. an org marked pending deletion).
   */
  readonly expect?: 'present' | 'absent' | 'absent-or-picked';
}

/** The outcome of an ApiRequest (serializable). */
export interface ApiResponse {
  readonly status: number;
  readonly data: unknown;
  /** Absolute URL of the next page (Link rel="next"), if any. */
  readonly next?: string;
  readonly attempts: number;
  readonly retries: number;
  readonly throttled: number;
  /** What the retries were for (a concurrency 429, a 5xx, a reset, ...), when known. */
  readonly retryKinds?: Readonly<Partial<Record<FailureKind, number>>>;
  /** How long the operation took, retries and waits included. */
  readonly elapsedMs?: number;
}

/** Runs ApiRequests for one connection: the in-process HTTP stack or the deploy agent. */
export interface Executor {
  execute(req: ApiRequest): Promise<ApiResponse>;
  /** Counters of the stack that actually sends the requests (the agent's, when one is used). */
  sharedCounters(): Promise<ClientCounters>;
  /** Live counters as seen from this process. */
  readonly counters: ClientCounters;
}
