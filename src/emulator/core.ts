/**
 * The emulator's shared runtime: state, clock, randomness, counters, replay caches and URL helpers. Route
 * modules receive it; the server composes them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AerialEnvironment } from '../okta-api';
import { seededRandom } from './faults';
import type { AccountState, EmulatorState, OrgState, TokenState } from './state';
import type { EmulatorStats, FaultConfig, RequestLogEntry } from './types';

/** Resolved options (defaults applied). */
export interface CoreOptions {
  latencyMs: number;
  jitterMs: number;
  tokenTtlSeconds: number;
  aerialConcurrency: number;
  orgConcurrency: number;
  rateLimitPerMinute?: number;
  quiet: boolean;
  now: () => number;
  randomSeed?: number;
}

/** What a handler returns; the server renders it. */
export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string | string[]>;
}

/** One request as the handlers see it. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  /** The request URL against the emulator's base URL (what DPoP `htu` and Link headers use). */
  readonly url: URL;
  readonly route: string;
  readonly params: Record<string, string>;
  rawBody: Buffer;
  env?: AerialEnvironment;
  accountId?: string;
  org?: string;
  clientId?: string;
  principal?: string;
}

/** Entries kept in the request log before the oldest are dropped. */
const LOG_CAP = 20000;

/** A fixed-size window counter for the optional per-minute limit and the X-Rate-Limit-* headers. */
interface Window {
  start: number;
  count: number;
}

/** Shared runtime of one emulator instance. */
export class EmulatorCore {
  url = '';
  faults: FaultConfig = { rules: [] };
  random: () => number;
  stats: EmulatorStats = emptyStats();
  logEntries: RequestLogEntry[] = [];
  readonly inFlight = new Map<string, number>();
  readonly windows = new Map<string, Window>();
  /** Used client assertion jti → expiry (ms). */
  readonly assertionJtis = new Map<string, number>();
  /** Used DPoP proof jti → expiry (ms). */
  readonly proofJtis = new Map<string, number>();
  /** DPoP nonces, newest first; each valid for 3 days, a new one every 24 h (okta-api.md 1.2). */
  readonly dpopNonces: { value: string; created: number }[] = [];
  /** Called after every state change (persistence hooks in here). */
  onChange: () => void = () => undefined;
  /** Index of state.tokens by hash, so a busy benchmark does not scan every token per request. */
  private tokenIndex?: Map<string, TokenState>;

  constructor(
    public state: EmulatorState,
    readonly opts: CoreOptions,
  ) {
    this.random = opts.randomSeed !== undefined ? seededRandom(opts.randomSeed) : Math.random;
  }

  now(): number {
    return this.opts.now();
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  /** Records that state changed (persisted soon after). */
  changed(): void {
    this.onChange();
  }

  /** The stored token with this hash, if any (expired ones included). */
  findToken(hash: string): TokenState | undefined {
    this.tokenIndex ??= new Map(this.state.tokens.map((t) => [t.hash, t]));
    return this.tokenIndex.get(hash);
  }

  /** Stores a new token and drops expired ones. */
  addToken(token: TokenState): void {
    const now = this.now();
    this.state.tokens = this.state.tokens.filter((t) => t.exp > now);
    this.state.tokens.push(token);
    this.tokenIndex = new Map(this.state.tokens.map((t) => [t.hash, t]));
  }

  /** Replaces the fault rules; a seed in them restarts the random sequence. */
  setFaults(f: FaultConfig): void {
    this.faults = f;
    if (f.randomSeed !== undefined) this.random = seededRandom(f.randomSeed);
  }

  /** Clears stats and the log (not state). */
  resetStats(): void {
    this.stats = emptyStats();
    this.logEntries = [];
  }

  log(entry: RequestLogEntry): void {
    this.logEntries.push(entry);
    // Trim in chunks so a long benchmark does not shift the whole array on every request.
    if (this.logEntries.length > LOG_CAP + 1000) this.logEntries.splice(0, this.logEntries.length - LOG_CAP);
  }

  aerialBase(env: AerialEnvironment): string {
    return `${this.url}/aerial/${env}`;
  }

  orgBase(org: OrgState): string {
    return `${this.url}/orgs/${org.subdomain}`;
  }

  tokenUrl(org: OrgState): string {
    return `${this.orgBase(org)}/oauth2/v1/token`;
  }

  account(id: string): AccountState | undefined {
    return this.state.accounts.find((a) => a.id === id);
  }

  orgById(id: string): OrgState | undefined {
    return this.state.orgs.find((o) => o.id === id && !o.deleted);
  }

  orgBySubdomain(sub: string): OrgState | undefined {
    return this.state.orgs.find((o) => o.subdomain === sub && !o.deleted);
  }

  /** The Aerial org of an account. */
  aerialOrgOf(account: AccountState): OrgState | undefined {
    return this.orgById(account.aerialOrgId);
  }

  /**
   * Counts a request in the (environment, account) or org window and returns the X-Rate-Limit-* values.
   * With no per-minute limit configured, the headers still report a nominal limit that is never enforced.
   */
  countInWindow(key: string): { limit: number; remaining: number; reset: number; exceeded: boolean } {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= 60_000) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    const limit = this.opts.rateLimitPerMinute ?? NOMINAL_LIMIT;
    const reset = Math.ceil((w.start + 60_000) / 1000);
    const exceeded = this.opts.rateLimitPerMinute !== undefined && w.count > limit;
    return { limit, remaining: Math.max(0, limit - w.count), reset, exceeded };
  }

  /** Forgets expired replay-cache entries (cheap; called on each token request). */
  pruneReplayCaches(): void {
    const now = this.now();
    for (const m of [this.assertionJtis, this.proofJtis])
      for (const [k, exp] of m) if (exp < now) m.delete(k);
  }
}

/** X-Rate-Limit-Limit reported when no per-minute limit is configured (never enforced). */
export const NOMINAL_LIMIT = 1000;

function emptyStats(): EmulatorStats {
  return {
    totalRequests: 0,
    byRoute: {},
    maxInFlight: {},
    maxInFlightOrg: {},
    throttled: 0,
    tokensIssued: {},
    writes: 0,
  };
}
