import { AdaptiveLimiter, growWindow, shrinkWindow, slotsOf } from '../../src/client/policy/limiter';

describe('window math', () => {
  it('shrinks to one less than ours in flight when the refused request started, by half at most', () => {
    expect(shrinkWindow(10, 7)).toBe(6); // the others held 4 of the 10
    expect(shrinkWindow(10, 10)).toBe(9);
    expect(shrinkWindow(6, 10)).toBe(5); // a request started before the window shrank: one slot less
    expect(shrinkWindow(10, 2)).toBe(5); // a burst of the others' does not take more than half
    expect(shrinkWindow(1, 1)).toBe(1);
  });
  it('grows by about one slot per window of successes, up to the cap', () => {
    let w = 5;
    for (let i = 0; i < 5; i++) w = growWindow(w, 10);
    expect(slotsOf(w)).toBe(5);
    w = growWindow(w, 10);
    expect(slotsOf(w)).toBe(6);
    expect(growWindow(10, 10)).toBe(10);
  });
});

describe('AdaptiveLimiter', () => {
  it('lowers its cap and window on request, never raises them, and grows back only to the lower cap', async () => {
    const l = new AdaptiveLimiter(10);
    l.lowerCap(3);
    expect([l.cap, l.window]).toEqual([3, 3]);
    l.lowerCap(8);
    expect([l.cap, l.window]).toEqual([3, 3]);
    const held = await Promise.all([l.acquire(), l.acquire(), l.acquire()]);
    let fourth = false;
    const next = l.acquire().then((r) => ((fourth = true), r));
    await Promise.resolve();
    expect(fourth).toBe(false);
    for (const r of held) r('success');
    (await next)('success');
    expect(l.window).toBe(3);
    expect(l.maxInFlight).toBe(3);
  });

  it('never lets more than the window run, and serves waiters in order', async () => {
    const l = new AdaptiveLimiter(3);
    const order: number[] = [];
    const releases = await Promise.all([l.acquire(), l.acquire(), l.acquire()]);
    const waiting = [3, 4].map((i) => l.acquire().then((r) => (order.push(i), r)));
    await Promise.resolve();
    expect(l.inFlight).toBe(3);
    expect(l.queued).toBe(2);
    releases[0]('success');
    releases[1]('success');
    const [r3, r4] = await Promise.all(waiting);
    expect(order).toEqual([3, 4]);
    expect(l.maxInFlight).toBe(3);
    [releases[2], r3, r4].forEach((r) => r('success'));
    expect(l.inFlight).toBe(0);
  });

  it('shrinks once for a burst of 429s from the same round, to what the refusal with fewest of ours found', async () => {
    for (const order of [
      [6, 7, 8, 9],
      [9, 8, 7, 6],
    ]) {
      const l = new AdaptiveLimiter(10);
      const rs = await Promise.all(Array.from({ length: 10 }, () => l.acquire()));
      // The others held 4 slots: our 7th to 10th requests were refused, in either order.
      for (const i of order) rs[i]('throttled');
      expect(l.window).toBe(6);
      rs.slice(0, 6).forEach((r) => r('success'));
      const next = await Promise.all(Array.from({ length: 6 }, () => l.acquire()));
      next[5]('throttled'); // a new round: one less than the 6 in flight
      expect(l.window).toBe(5);
    }
  });

  it('admits fewer after shrinking and grows back on success', async () => {
    const l = new AdaptiveLimiter(4);
    const first = await Promise.all(Array.from({ length: 4 }, () => l.acquire()));
    first[3]('throttled'); // window 3
    first.slice(0, 3).forEach((r) => r('success'));
    const held = await Promise.all([l.acquire(), l.acquire(), l.acquire()]);
    let fourth = false;
    const p = l.acquire().then((r) => ((fourth = true), r));
    await Promise.resolve();
    expect(fourth).toBe(false);
    held[0]('success');
    (await p)('success');
    held.slice(1).forEach((r) => r('success'));
    expect(l.window).toBeGreaterThan(3);
  });

  it('releasing twice counts once', async () => {
    const l = new AdaptiveLimiter(2);
    const r = await l.acquire();
    r('other');
    r('other');
    expect(l.inFlight).toBe(0);
  });
});

describe('AdaptiveLimiter on a shared account', () => {
  it('after a concurrency 429 grows about thirty times slower, and only while requests wait for a slot', async () => {
    const limiter = new AdaptiveLimiter(10);
    const first = await Promise.all(Array.from({ length: 10 }, () => limiter.acquire()));
    first[6]('throttled'); // the 7th found the account full: 6
    expect(limiter.window).toBe(6);
    for (const r of [...first.slice(0, 6), ...first.slice(7)]) r('success'); // nobody waits: no growth
    expect(limiter.window).toBe(6);
    // 6 in flight and 3 waiting: each success grows the window by 0.03/window
    const held = await Promise.all(Array.from({ length: 6 }, () => limiter.acquire()));
    const waiting = Array.from({ length: 3 }, () => limiter.acquire());
    held[0]('success');
    expect(limiter.window).toBeCloseTo(6 + 0.03 / 6, 10);
    for (const r of held.slice(1)) r('success');
    for (const r of await Promise.all(waiting)) r('success');
    expect(limiter.window).toBeLessThan(6.1);
  });
});

describe('AdaptiveLimiter after the others have gone', () => {
  it('grows at full speed again after 500 successes without a concurrency 429', async () => {
    const limiter = new AdaptiveLimiter(10);
    const first = await Promise.all(Array.from({ length: 8 }, () => limiter.acquire()));
    first[7]('throttled'); // 7
    first.slice(0, 7).forEach((r) => r('success'));
    for (let i = 0; i < 492; i++) (await limiter.acquire())('success'); // nobody waits: no growth
    expect(limiter.window).toBe(7);
    (await limiter.acquire())('success');
    expect(limiter.window).toBeCloseTo(7 + 1 / 7, 10);
  });
});
