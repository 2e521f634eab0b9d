/**
 * The adaptive concurrency window (AIMD): at most `window` requests in flight, where the window shrinks
 * multiplicatively when the API answers with a concurrency 429 and grows back by about one slot per
 * window's worth of successes, never above the cap. So it also behaves when other clients share the account.
 * One limiter exists per environment and account in a process; the deploy agent makes that one per machine.
 *
 * Once the account has answered a concurrency 429, other clients are sharing it (several machines, each
 * with its own agent): the window then grows ten times slower, and only while it is full (requests wait
 * for a slot), as TCP's congestion window does after a loss, until 500 successes in a row without one.
 * Measured with three machines saturating one account (bench/contention.js): 429s fell from about 20% of
 * requests to a few percent, at the same speed.
 */

/** Fraction kept when the window shrinks. */
export const SHRINK_FACTOR = 0.75;

/** The window after a concurrency 429 (never below one slot). */
export function shrinkWindow(window: number): number {
  return Math.max(1, window * SHRINK_FACTOR);
}

/** Growth per success once the account has been found shared (a concurrency 429 was seen). */
export const CONTENDED_GROWTH = 0.1;

/** Successes without a concurrency 429 after which the account counts as no longer shared. */
export const UNCONTENDED_AFTER = 500;

/** The window after a success: +rate/window, i.e. about +rate per window of successes, capped. */
export function growWindow(window: number, cap: number, rate = 1): number {
  return Math.min(cap, window + rate / Math.max(1, window));
}

/** How many requests the window lets run at once. */
export function slotsOf(window: number): number {
  return Math.max(1, Math.floor(window + 1e-9));
}

/** How a request ended, as feedback for the window. */
export type Outcome = 'success' | 'throttled' | 'other';

/** A held slot; release it exactly once with the outcome. */
export type Release = (outcome: Outcome) => void;

/** A FIFO limiter with an adaptive window. */
export class AdaptiveLimiter {
  private win: number;
  private active = 0;
  private peak = 0;
  /** Incremented on every shrink; a 429 of a request started before the last shrink does not shrink again. */
  private epoch = 0;
  private readonly waiting: Array<() => void> = [];
  /** The account answered a concurrency 429 recently: other clients share it. */
  private contended = false;
  /** Successes since the last concurrency 429. */
  private sinceThrottle = 0;
  private limit: number;

  constructor(cap: number) {
    this.limit = cap;
    this.win = cap;
  }

  /** Most requests ever allowed in flight at once. */
  get cap(): number {
    return this.limit;
  }

  /**
   * Lowers the cap (never raises it): every client of an account shares one limiter, so the lowest
   * `maxConcurrency` any of them asks for holds, whoever created the limiter.
   */
  lowerCap(cap: number): void {
    this.limit = Math.min(this.limit, cap);
    this.win = Math.min(this.win, this.limit);
  }

  /** Current window size (may be fractional). */
  get window(): number {
    return this.win;
  }

  get inFlight(): number {
    return this.active;
  }

  get maxInFlight(): number {
    return this.peak;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Waits for a slot. */
  async acquire(): Promise<Release> {
    if (this.active < slotsOf(this.win) && this.waiting.length === 0) {
      this.active++;
    } else {
      // pump() counts the slot before it wakes us, so nobody can overtake a waiter.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.peak = Math.max(this.peak, this.active);
    const startedIn = this.epoch;
    let released = false;
    return (outcome) => {
      if (released) return;
      released = true;
      this.active--;
      if (outcome === 'throttled') {
        // One shrink per "round trip": a burst of 429s caused by the same window counts once.
        if (startedIn === this.epoch) {
          this.win = shrinkWindow(this.win);
          this.epoch++;
        }
        this.contended = true;
        this.sinceThrottle = 0;
      } else if (outcome === 'success') {
        this.sinceThrottle++;
        // Shared until a long run of successes without a concurrency 429 says the others have gone.
        if (this.sinceThrottle >= UNCONTENDED_AFTER) this.contended = false;
        if (!this.contended) this.win = growWindow(this.win, this.cap);
        // Shared account: grow slowly, and only when the window was what held requests back.
        else if (this.waiting.length > 0) this.win = growWindow(this.win, this.cap, CONTENDED_GROWTH);
      }
      this.pump();
    };
  }

  private pump(): void {
    while (this.waiting.length > 0 && this.active < slotsOf(this.win)) {
      this.active++;
      this.waiting.shift()!();
    }
  }
}
