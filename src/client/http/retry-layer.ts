/**
 * Layer 3, retry: axios-retry, used as its authors designed it, with the options of each operation in the
 * request's own `config['axios-retry']`:
 *
 * - `retries` from the policy (`maxAttempts - 1`);
 * - `retryCondition` asks the pure `planRetry` (= `shouldRetry`, `computeDelay` and the deadline check,
 *   which needs the delay) about the failed attempt, and keeps the plan;
 * - `retryDelay` hands axios-retry that plan's delay;
 * - `onRetry` applies what the stack changes before a retry (a refreshed token, a nonce, the budget).
 *
 * This is the one retry mechanism of the client: API calls, POSTs that re-read first (the re-read layer
 * below) and token requests all go through it.
 */
import type { AxiosError } from 'axios';
import type { IAxiosRetryConfig } from 'axios-retry';
import {
  classifyFailure,
  planRetry,
  type RetryContext,
  type RetryPlan,
  type RetryPolicy,
} from '../policy/retry-policy';
import type { ClientOptions } from '../types';
import { readFailure, type AttemptFailure } from './failure';
import type { Layer } from './layer';
import type { Operation } from './operation';

/**
 * Time and chance of a stack, injectable so tests are fast and honest. axios-retry waits a retry's delay
 * on its own timer, which cannot be replaced: when the options inject `sleep`, that sleep waits the delay
 * (in `onRetry`, just before axios-retry's timer) and the timer gets 0. Either way a retry waits once.
 */
export interface Clock {
  now(): number;
  random(): number;
  /** The delay axios-retry's timer waits for a retry planned `ms` ahead. */
  timerMs(ms: number): number;
  /** What is awaited before axios-retry's timer starts. */
  beforeTimer(ms: number): Promise<void>;
}

/** The clock of a client's options. */
export function clockOf(options: Pick<ClientOptions, 'now' | 'random' | 'sleep'>): Clock {
  const { sleep } = options;
  return {
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    timerMs: (ms) => (sleep ? 0 : ms),
    beforeTimer: (ms) => (sleep ? sleep(ms) : Promise.resolve()),
  };
}

/** What a stack tells the retry layer about its operations. */
export interface RetryRules {
  readonly policy: RetryPolicy;
  readonly clock: Clock;
  /** Decision facts only the stack knows: a refreshable token, the retry budget, a re-read before a POST. */
  facts(op: Operation): Pick<RetryContext, 'canRefreshToken' | 'budgetAvailable' | 'rereadBeforeRetry'>;
  /** What a retry changes before it is sent (a refreshed token, a DPoP nonce, the budget, counters). */
  beforeRetry(op: Operation, plan: RetryPlan, failure: AttemptFailure): void;
  /** Receives one redacted line per failed attempt. */
  debug(line: string): void;
  /** Appended to each debug line (the limiter's window). */
  state?(): string;
}

/** axios-retry's options for one operation, bound to its state. */
export function retryOptions(op: Operation, rules: RetryRules): IAxiosRetryConfig {
  const { policy, clock } = rules;
  /** The verdict on one failed attempt: asked once per failure, kept for the delay and the final error. */
  const decide = (error: AxiosError): RetryPlan => {
    const failure = readFailure(error);
    const facts = rules.facts(op);
    const kind = classifyFailure({ ...failure, canRefreshToken: facts.canRefreshToken });
    const ctx: RetryContext = {
      method: op.method,
      attempt: op.attempts,
      status: failure.status,
      headers: failure.headers,
      code: failure.code,
      message: failure.message,
      reusedSocket: failure.reusedSocket,
      errorCode: failure.errorCode,
      ...facts,
      refreshedToken: op.refreshedToken,
      previousOfKind: op.kinds[kind] ?? 0,
      nowMs: clock.now(),
      policy,
    };
    op.verdict = planRetry(ctx, clock.random(), op.remaining());
    rules.debug(describe(op, failure, op.verdict, rules.state?.() ?? ''));
    return op.verdict;
  };
  return {
    retries: policy.maxAttempts - 1,
    // Each attempt sets its own timeout (attemptTimeout); the operation's deadline bounds them all.
    shouldResetTimeout: true,
    retryCondition: (error) => decide(error).retry,
    retryDelay: () => clock.timerMs(op.verdict?.delayMs ?? 0),
    onRetry: async (_count, error) => {
      const plan = op.verdict!;
      op.noteRetry(plan);
      rules.beforeRetry(op, plan, readFailure(error));
      await clock.beforeTimer(plan.delayMs);
    },
    // The attempts ran out before retryCondition was asked: the last failure still gets its verdict.
    onMaxRetryTimesExceeded: (error) => void decide(error),
  };
}

/** Layer: retry. An attempt of the operation begins (the re-read of a POST is no attempt of it). */
export const countAttempt: Layer = (config, op, next) => {
  op.startAttempt();
  return next(config);
};

/** What a re-read found: whether the POST took effect, and then the object it made (or nothing, when gone). */
export interface RereadResult {
  readonly done: boolean;
  readonly data?: unknown;
}

/**
 * Layer: retry, for a POST that may have taken effect (link org, create principal rate limit, deletion
 * request): before it is sent again, a re-read tells whether it did; if so, the operation's answer is what
 * the re-read found and the POST is not repeated. A failed re-read ends the operation with its error.
 */
export function rereadBeforeRepeat(reread: (post: Operation) => Promise<RereadResult>): Layer {
  return async (config, op, next) => {
    if (!op.rereadDue) return next(config);
    op.rereadDue = false;
    const found = await reread(op);
    if (!found.done) return next(config);
    op.answeredByReread = true;
    return { status: 200, statusText: 'OK', data: found.data, headers: {}, config };
  };
}

function describe(op: Operation, failure: AttemptFailure, plan: RetryPlan, state: string): string {
  const what = failure.status !== undefined ? `${failure.status}` : `${failure.code ?? 'error'}`;
  const next = plan.retry
    ? `retry in ${plan.delayMs} ms`
    : plan.deadlineExceeded
      ? 'deadline would pass, giving up'
      : `giving up (${plan.reason})`;
  return `${op.name}: ${op.method} attempt ${op.attempts} -> ${what} (${plan.kind}), ${next}${state}`;
}
