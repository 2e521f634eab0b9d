/**
 * Layer 4, limiter: an attempt holds one of its account's slots exactly while it is on the wire (the auth
 * headers are signed inside, so a proof never waits in the queue), and its outcome feeds the adaptive window:
 * success grows it, a concurrency 429 shrinks it. 429s are counted here, where every attempt passes.
 */
import type { ClientCounters } from '../types';
import { classifyFailure } from '../policy/retry-policy';
import type { AdaptiveLimiter } from '../policy/limiter';
import { isAttemptFailure, readFailure } from './failure';
import type { Layer } from './layer';

/** The limiter layer of one account's limiter; `sync` copies its figures into the counters. */
export function holdSlot(limiter: AdaptiveLimiter, counters: ClientCounters, sync: () => void): Layer {
  return async (config, op, next) => {
    const release = await limiter.acquire();
    sync();
    try {
      if (op.remaining() <= 0) throw op.deadlineWhileQueued();
      const res = await next(config);
      release(res.status < 400 ? 'success' : 'other');
      return res;
    } catch (e) {
      const failure = isAttemptFailure(e) ? readFailure(e) : undefined;
      if (failure?.status === 429) {
        op.throttled++;
        counters.throttled++;
      }
      release(
        failure?.status !== undefined && classifyFailure(failure) === 'concurrency' ? 'throttled' : 'other',
      );
      throw e;
    } finally {
      sync();
    }
  };
}
