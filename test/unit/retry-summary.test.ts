import { RetryTally } from '../../src/cli/hook-command';

const res = (retries: number, retryKinds: Record<string, number>, elapsedMs: number) =>
  ({ status: 200, data: {}, attempts: retries + 1, retries, throttled: 0, retryKinds, elapsedMs }) as const;

describe("a hook's retry summary", () => {
  it('is absent when no call was retried', () => {
    const t = new RetryTally();
    t.add(res(0, {}, 80));
    expect(t.summary()).toBeUndefined();
  });

  it("sums the hook's retried calls by kind and time", () => {
    const t = new RetryTally();
    t.add(res(2, { concurrency: 2 }, 1500));
    t.add(res(0, {}, 90));
    t.add(res(1, { server: 1 }, 2700));
    expect(t.summary()).toBe('after 3 retries: 2x429, 1x5xx, 4.2 s');
    const one = new RetryTally();
    one.add(res(1, { network: 1 }, 300));
    expect(one.summary()).toBe('after 1 retry: 1xreset, 0.3 s');
  });
});
