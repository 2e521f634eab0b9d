import { AxiosError, AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import { Operation } from '../../src/client/http/operation';
import { clockOf, retryOptions, type RetryRules } from '../../src/client/http/retry-layer';
import { classifyFailure, DEFAULT_RETRY_POLICY, shouldRetry } from '../../src/client/policy/retry-policy';

const config = { headers: new AxiosHeaders() } as InternalAxiosRequestConfig;
const failed = (status: number, headers: Record<string, string> = {}, data: unknown = {}): AxiosError =>
  new AxiosError('failed', 'ERR_BAD_RESPONSE', config, undefined, {
    status,
    statusText: '',
    headers,
    data,
    config,
  });

function operation(method = 'GET'): Operation {
  return new Operation({
    name: 'getOrg 00oX',
    method,
    url: 'https://x.okta.com/api/v1/orgs/00oX',
    service: 'aerial',
    scope: 'okta.accounts.read',
    deadlineMs: 60_000,
    context: { authType: 'oauth', host: 'x.okta.com', secrets: [] },
    now: () => 1_000,
  });
}

describe('the retry layer (axios-retry options of one operation)', () => {
  const rules = (over: Partial<RetryRules> = {}): RetryRules => ({
    policy: DEFAULT_RETRY_POLICY,
    clock: clockOf({ now: () => 1_000, random: () => 0 }),
    facts: () => ({}),
    beforeRetry: () => {},
    debug: () => {},
    ...over,
  });

  it('takes retries from the policy, decides with planRetry and hands axios-retry the planned delay', async () => {
    const op = operation();
    op.startAttempt();
    const seen: string[] = [];
    const o = retryOptions(op, rules({ beforeRetry: (_op, plan) => seen.push(plan.kind) }));
    expect(o.retries).toBe(DEFAULT_RETRY_POLICY.maxAttempts - 1);
    const error = failed(503);
    expect(o.retryCondition!(error)).toBe(true);
    expect(o.retryDelay!(1, error)).toBe(125); // capped exponential backoff, random 0
    await o.onRetry!(1, error, config);
    expect(seen).toEqual(['server']);
    expect(op).toMatchObject({ retries: 1, kinds: { server: 1 } });
    expect(o.retryCondition!(failed(400))).toBe(false);
    expect(op.verdict).toMatchObject({ retry: false, reason: 'not-retryable' });
  });

  it('waits with an injected sleep instead of axios-retry timer, never both', async () => {
    const slept: number[] = [];
    const clock = clockOf({ sleep: async (ms) => void slept.push(ms) });
    expect(clock.timerMs(250)).toBe(0);
    await clock.beforeTimer(250);
    expect(slept).toEqual([250]);
    const real = clockOf({});
    expect(real.timerMs(250)).toBe(250);
    await real.beforeTimer(250);
  });
});

describe('retry policy additions', () => {
  const ctx = { attempt: 1, nowMs: 0, policy: DEFAULT_RETRY_POLICY };
  it("classifies the authorization server's use_dpop_nonce (400) like a resource server's (401)", () => {
    expect(
      classifyFailure({ status: 400, errorCode: 'use_dpop_nonce', headers: { 'dpop-nonce': 'n' } }),
    ).toBe('dpop-nonce');
    expect(classifyFailure({ status: 400, errorCode: 'use_dpop_nonce' })).toBe('client');
  });

  it('says when a POST may be retried only because the caller re-reads first', () => {
    expect(shouldRetry({ ...ctx, method: 'POST', status: 503, rereadBeforeRetry: true })).toEqual({
      retry: true,
      kind: 'server',
      rereadFirst: true,
    });
    expect(
      shouldRetry({ ...ctx, method: 'POST', status: 401, canRefreshToken: true, rereadBeforeRetry: true }),
    ).toEqual({
      retry: true,
      kind: 'auth',
    });
    expect(shouldRetry({ ...ctx, method: 'GET', status: 503 })).toEqual({ retry: true, kind: 'server' });
  });
});
