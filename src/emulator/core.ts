/**
 * The emulator's runtime around the model: resolved options, clock, randomness, fault rules, stats and the
 * request log, concurrency and per-minute counters, replay caches and the emulator's own URLs. Route
 * modules receive it; the rules of each API live in the model it holds.
 */
import type { AerialEnvironment } from '../okta-api';
import { seededRandom, type FaultConfig } from './faults';
import type { EmulatorModel } from './model';
import type { OrgState } from './state';
import type { EmulatorStats, RequestLogEntry } from './types';

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
  /** As strict as Okta: DPoP-required apps, exact scopes, named products (see EmulatorOptions.strict). */
  strict: boolean;
  /** Serve only this environment's Aerial API, at the root of the port (real-Okta path shape). */
  rootEnvironment?: AerialEnvironment;
  /** How long a deleted org stays visible (pending deletion) before it disappears. */
  deletionDelayMs: number;
}

/** Entries kept in the request log before the oldest are dropped. */
const LOG_CAP = 20000;

/** X-Rate-Limit-Limit reported when no per-minute limit is configured (never enforced). */
export const NOMINAL_LIMIT = 1000;

/** A fixed-size window counter for the optional per-minute limit and the X-Rate-Limit-* headers. */
interface Window {
  start: number;
  count: number;
}

/** Runtime of one emulator instance. */
export class EmulatorCore {
  url = '';
  faults: FaultConfig = { rules: [] };
  random: () => number;
  stats: EmulatorStats = emptyStats();
  logEntries: RequestLogEntry[] = [];
  /** Requests in flight per concurrency slot (an environment and account, or an org). */
  readonly inFlight = new Map<string, number>();
  readonly windows = new Map<string, Window>();
  /** Used client assertion jti → expiry (ms). */
  readonly assertionJtis = new Map<string, number>();
  /** Used DPoP proof jti → expiry (ms). */
  readonly proofJtis = new Map<string, number>();
  /** DPoP nonces, newest first; each valid for 3 days, a new one every 24 h (okta-api.md 1.2). */
  readonly dpopNonces: { value: string; created: number }[] = [];
  /** The environment variables that point a stack at this emulator (set by the server, which holds the key). */
  credentials: () => Record<string, string> = () => ({});

  constructor(
    readonly model: EmulatorModel,
    readonly opts: CoreOptions,
  ) {
    this.random = opts.randomSeed !== undefined ? seededRandom(opts.randomSeed) : Math.random;
  }

  now(): number {
    return this.opts.now();
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

  /**
   * Base URL of an environment's Aerial API (without the account id): `/aerial/{env}` on the shared port, or
   * the root of the port when the emulator serves that one environment (`--environment`). An environment
   * the emulator does not serve has no base (undefined).
   */
  aerialBase(env: AerialEnvironment): string | undefined {
    if (this.opts.rootEnvironment === undefined) return `${this.url}/aerial/${env}`;
    return env === this.opts.rootEnvironment ? this.url : undefined;
  }

  /** The scopes a read accepts: the read scope, or (lenient, okta-api.md 1.6 inference) either scope. */
  readScopes(read: string, manage: string): string[] {
    return this.opts.strict ? [read] : [read, manage];
  }

  orgBase(org: OrgState): string {
    return `${this.url}/orgs/${org.subdomain}`;
  }

  tokenUrl(org: OrgState): string {
    return `${this.orgBase(org)}/oauth2/v1/token`;
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
