/**
 * What every client of this process shares: one adaptive limiter and one retry budget per environment and
 * account, one authorizer (its token cache) per credential set, and the keep-alive sockets. In the deploy
 * agent, "this process" is every hook of the machine.
 */
import type { Authorizer } from '../auth';
import { AdaptiveLimiter } from '../policy/limiter';
import { RetryBudget } from '../policy/retry-policy';
import { closePool } from './transport';

/** An authorizer and the count of tokens it fetched. */
export interface SharedAuthorizer {
  readonly auth: Authorizer;
  readonly tokens: { fetched: number };
}

const limiters = new Map<string, AdaptiveLimiter>();
const budgets = new Map<string, RetryBudget>();
const authorizers = new Map<string, SharedAuthorizer>();

function shared<T>(map: Map<string, T>, key: string, make: () => T): T {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/** The account's limiter; every client's `maxConcurrency` lowers its cap (the lowest holds). */
export function accountLimiter(key: string, cap: number): AdaptiveLimiter {
  const limiter = shared(limiters, key, () => new AdaptiveLimiter(cap));
  limiter.lowerCap(cap);
  return limiter;
}

/** The account's retry budget. */
export function accountBudget(key: string, capacity: number): RetryBudget {
  return shared(budgets, key, () => new RetryBudget(capacity));
}

/** The authorizer of a credential set, made once. */
export function credentialAuthorizer(
  key: string,
  make: (tokens: { fetched: number }) => Authorizer,
): SharedAuthorizer {
  return shared(authorizers, key, () => {
    const tokens = { fetched: 0 };
    return { auth: make(tokens), tokens };
  });
}

/** Closes keep-alive connections and forgets limiters, tokens and budgets of this process. */
export function closeInProcess(): void {
  closePool();
  limiters.clear();
  authorizers.clear();
  budgets.clear();
}
