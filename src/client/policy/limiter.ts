/**
 * The adaptive concurrency window: at most `window` requests in flight. A concurrency 429 says the account was
 * full when the refused request arrived, with `held` of ours in flight (that one included), so the others had
 * the rest: the window drops to one less than `held` (at least one slot less than it was), but never by more
 * than half in one round trip, in case the others' share was a passing burst. Each success grows it back by
 * about one slot per window's worth of successes, never above the cap. One limiter exists per environment
 * and account in a process; the deploy agent makes that one per machine.
 *
 * Once the account has answered a concurrency 429, other clients are sharing it (several machines, each
 * with its own agent): the window then grows about thirty times slower, and only while it is full (requests
 * wait for a slot), until 500 successes in a row without one. So it seldom probes for a slot that another
 * client holds. Measured with three machines saturating one account (bench/contention.js) and beside a
 * client that keeps 4 of the 10 slots (bench/client.js): 429s fell to about 1% and 1.2% of requests,
 * with the other client keeping its share.
 */

/** The most one round trip's 429s take off the window: half of it. */
export const MAX_SHRINK = 0.5;

/**
 * The window after a concurrency 429 of a request that started with `held` of ours in flight (itself
 * included): one less than `held` and than the window, but at least half the window and one slot.
 */
export function shrinkWindow(window: number, held: number): number {
  return Math.max(1, window * MAX_SHRINK, Math.min(window, held) - 1);
}

/** Growth per success once the account has been found shared (a concurrency 429 was seen). */
export const CONTENDED_GROWTH = 0.03;

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
  /** The window before the last shrink: the later 429s of the same round shrink from it too. */
  private roundWindow = 0;
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
    const held = this.active;
    let released = false;
    return (outcome) => {
      if (released) return;
      released = true;
      this.active--;
      if (outcome === 'throttled') {
        // One shrink per "round trip": a burst of 429s caused by the same window counts once, except that
        // a refusal which found fewer of ours in flight lowers the window to what it found.
        if (startedIn === this.epoch) {
          this.roundWindow = this.win;
          this.win = shrinkWindow(this.win, held);
          this.epoch++;
        } else if (startedIn === this.epoch - 1) {
          this.win = Math.min(this.win, shrinkWindow(this.roundWindow, held));
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
