import {
  classifyFailure,
  computeDelay,
  DEFAULT_RETRY_POLICY,
  planRetry,
  rateLimitWaitMs,
  RetryBudget,
  shouldRetry,
  type RetryContext,
} from '../../src/client/policy/retry-policy';

const ctx = (over: Partial<RetryContext>): RetryContext => ({
  method: 'GET',
  attempt: 1,
  nowMs: 1_000_000,
  policy: DEFAULT_RETRY_POLICY,
  ...over,
});
const concurrency429 = {
  'x-rate-limit-limit': '0',
  'x-rate-limit-remaining': '0',
  'x-rate-limit-reset': '9999999999',
};

describe('classifyFailure', () => {
  it.each([
    [{ status: 429, headers: concurrency429 }, 'concurrency'],
    [{ status: 429, headers: {} }, 'concurrency'],
    [{ status: 429, headers: { 'x-rate-limit-limit': '600', 'x-rate-limit-reset': '100' } }, 'rate'],
    [{ status: 429, headers: { 'x-rate-limit-limit': '0', 'retry-after': '2' } }, 'rate'],
    [{ status: 500 }, 'server'],
    [{ status: 502 }, 'server'],
    [{ status: 503 }, 'server'],
    [{ status: 501 }, 'client'],
    [{ status: 400 }, 'client'],
    [{ status: 404 }, 'client'],
    [{ status: 401, canRefreshToken: true }, 'auth'],
    [{ status: 401, canRefreshToken: false }, 'client'],
    [
      { status: 401, headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce"', 'dpop-nonce': 'n1' } },
      'dpop-nonce',
    ],
    [{ code: 'ECONNRESET' }, 'network'],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'tls'],
    [{ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, 'tls'],
    [{ code: 'EPROTO', message: 'write EPROTO 80:error:0A00010B:SSL routines::wrong version number' }, 'tls'],
    [
      { code: 'EPROTO', message: 'write EPROTO 80:error:0A000438:SSL routines::tlsv1 alert internal error' },
      'network',
    ],
    [{ code: 'ERR_SSL_WRONG_VERSION_NUMBER' }, 'tls'],
    [{ code: 'ERR_SSL_WRONG_VERSION_NUMBER', reusedSocket: true }, 'network'], // plain text from a middlebox
    [{ code: 'EPROTO' }, 'network'],
    [
      {
        code: 'EPROTO',
        message: 'write EPROTO 80:error:0A00042E:SSL routines::tlsv1 alert protocol version',
      },
      'tls',
    ],
    [{ code: 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC' }, 'network'],
    [{ code: 'ETIMEDOUT' }, 'timeout'],
    [{ code: 'ECONNABORTED' }, 'timeout'],
  ])('%j is %s', (input, kind) => {
    expect(classifyFailure(input)).toBe(kind);
  });
});

describe('shouldRetry', () => {
  it.each([
    ['GET 503', ctx({ status: 503 }), true, undefined],
    ['PUT reset', ctx({ method: 'PUT', code: 'ECONNRESET' }), true, undefined],
    ['GET to an untrusted certificate', ctx({ code: 'CERT_HAS_EXPIRED' }), false, 'not-retryable'],
    ['POST 503 is never repeated blindly', ctx({ method: 'POST', status: 503 }), false, 'unsafe-method'],
    [
      'POST reset is never repeated blindly',
      ctx({ method: 'POST', code: 'ECONNRESET' }),
      false,
      'unsafe-method',
    ],
    [
      'POST 429 without re-read',
      ctx({ method: 'POST', status: 429, headers: concurrency429 }),
      false,
      'unsafe-method',
    ],
    [
      'POST 503 after a re-read',
      ctx({ method: 'POST', status: 503, rereadBeforeRetry: true }),
      true,
      undefined,
    ],
    [
      'POST 401 refresh (nothing was done)',
      ctx({ method: 'POST', status: 401, canRefreshToken: true }),
      true,
      undefined,
    ],
    ['second 401', ctx({ status: 401, canRefreshToken: true, refreshedToken: true }), false, 'refreshed'],
    ['SSWS 401', ctx({ status: 401 }), false, 'not-retryable'],
    ['400', ctx({ status: 400 }), false, 'not-retryable'],
    ['501', ctx({ status: 501 }), false, 'not-retryable'],
    ['attempts exhausted', ctx({ status: 503, attempt: 10 }), false, 'attempts'],
    ['budget empty for 5xx', ctx({ status: 503, budgetAvailable: false }), false, 'budget'],
    [
      'budget does not apply to 429',
      ctx({ status: 429, headers: concurrency429, budgetAvailable: false }),
      true,
      undefined,
    ],
  ])('%s', (_name, c, retry, reason) => {
    const d = shouldRetry(c);
    expect(d.retry).toBe(retry);
    expect(d.reason).toBe(reason);
  });
});

describe('computeDelay', () => {
  it('backs off briefly and growing on concurrency 429, ignoring the reset estimate', () => {
    const c = (n: number) => ctx({ status: 429, headers: concurrency429, previousOfKind: n });
    expect([0, 1, 2, 3, 8].map((n) => computeDelay(c(n), 'concurrency', 0))).toEqual([
      100, 200, 400, 800, 2000,
    ]);
    expect([0, 1, 2, 3].map((n) => computeDelay(c(n), 'concurrency', 0.999999))).toEqual([
      500, 1000, 2000, 2000,
    ]);
  });

  it('waits for a rate reset measured against the Date header, plus jitter', () => {
    const date = 'Wed, 01 Jan 2020 00:00:00 GMT';
    const reset = String(Date.parse(date) / 1000 + 12);
    // The local clock is far off; only the server's own Date counts.
    const c = ctx({
      status: 429,
      headers: { 'x-rate-limit-limit': '600', 'x-rate-limit-reset': reset, date },
      nowMs: 5,
    });
    expect(computeDelay(c, 'rate', 0)).toBe(12_000);
    expect(computeDelay(c, 'rate', 0.5)).toBe(12_500);
  });

  it('honours Retry-After in seconds and as a date', () => {
    expect(rateLimitWaitMs({ 'retry-after': '4' }, 0)).toBe(4000);
    expect(
      rateLimitWaitMs(
        { 'retry-after': 'Wed, 01 Jan 2020 00:00:10 GMT', date: 'Wed, 01 Jan 2020 00:00:00 GMT' },
        0,
      ),
    ).toBe(10_000);
    expect(rateLimitWaitMs({ 'x-rate-limit-reset': '1' }, 5000)).toBe(0);
    expect(rateLimitWaitMs({}, 0)).toBeUndefined();
  });

  it('uses capped exponential backoff with jitter for 5xx and resets', () => {
    const d = (n: number, r: number) => computeDelay(ctx({ status: 503, previousOfKind: n }), 'server', r);
    expect([d(0, 0), d(1, 0), d(2, 0)]).toEqual([125, 250, 500]);
    expect([d(0, 0.999999), d(1, 0.999999)]).toEqual([250, 500]);
    expect(d(20, 0.999999)).toBe(10_000);
  });

  it('retries a token refresh and a DPoP nonce at once', () => {
    expect(computeDelay(ctx({ status: 401 }), 'auth', 0.7)).toBe(0);
    expect(computeDelay(ctx({ status: 401 }), 'dpop-nonce', 0.7)).toBe(0);
  });
});

describe('planRetry', () => {
  it('refuses a retry whose wait would pass the deadline', () => {
    const p = planRetry(ctx({ status: 429, headers: { 'retry-after': '30' } }), 0, 10_000);
    expect(p).toMatchObject({ retry: false, deadlineExceeded: true, kind: 'rate' });
  });
  it('plans a retry that fits', () => {
    expect(planRetry(ctx({ status: 503 }), 0, 10_000)).toEqual({ retry: true, kind: 'server', delayMs: 125 });
  });
});

describe('RetryBudget', () => {
  it('runs dry after its capacity and refills slowly on success', () => {
    const b = new RetryBudget(2);
    b.spend();
    b.spend();
    expect(b.available).toBe(false);
    for (let i = 0; i < 10; i++) b.refund();
    expect(b.available).toBe(true);
  });
});
