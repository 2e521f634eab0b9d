import { AdaptiveLimiter, growWindow, shrinkWindow, slotsOf } from '../../src/client/policy/limiter';

describe('window math', () => {
  it('shrinks multiplicatively, never below one slot', () => {
    expect(shrinkWindow(10)).toBe(7.5);
    expect(slotsOf(shrinkWindow(10))).toBe(7);
    expect(shrinkWindow(1)).toBe(1);
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

  it('shrinks once for a burst of 429s from the same window', async () => {
    const l = new AdaptiveLimiter(10);
    const rs = await Promise.all(Array.from({ length: 10 }, () => l.acquire()));
    rs.forEach((r) => r('throttled'));
    expect(l.window).toBe(7.5);
    const r = await l.acquire();
    r('throttled');
    expect(l.window).toBeCloseTo(5.625);
  });

  it('admits fewer after shrinking and grows back on success', async () => {
    const l = new AdaptiveLimiter(4);
    (await l.acquire())('throttled'); // window 3
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
  it('after a concurrency 429 grows ten times slower, and only while requests wait for a slot', async () => {
    const limiter = new AdaptiveLimiter(10);
    const first = await Promise.all(Array.from({ length: 10 }, () => limiter.acquire()));
    first[0]('throttled'); // 7.5
    expect(limiter.window).toBe(7.5);
    for (const r of first.slice(1)) r('success'); // nobody waits: no growth
    expect(limiter.window).toBe(7.5);
    // 7 in flight and 3 waiting: each success grows the window by 0.1/window
    const held = await Promise.all(Array.from({ length: 7 }, () => limiter.acquire()));
    const waiting = Array.from({ length: 3 }, () => limiter.acquire());
    held[0]('success');
    expect(limiter.window).toBeCloseTo(7.5 + 0.1 / 7.5, 10);
    for (const r of held.slice(1)) r('success');
    for (const r of await Promise.all(waiting)) r('success');
    expect(limiter.window).toBeLessThan(8);
  });
});

describe('AdaptiveLimiter after the others have gone', () => {
  it('grows at full speed again after 500 successes without a concurrency 429', async () => {
    const limiter = new AdaptiveLimiter(10);
    (await limiter.acquire())('throttled');
    for (let i = 0; i < 499; i++) (await limiter.acquire())('success'); // nobody waits: no growth
    expect(limiter.window).toBe(7.5);
    (await limiter.acquire())('success');
    expect(limiter.window).toBeCloseTo(7.5 + 1 / 7.5, 10);
  });
});
