/**
 * Lookups of principals' rate-limit entities, coalesced. The Principal Rate Limits API finds one principal's
 * entity only by a filtered listing (okta-api.md §2.2), one request per principal. Lookups started in the
 * same turn of the event loop (as when a caller starts many reconciliations at once) are coalesced: the
 * lookups of one principal share one read, and when at least `COALESCE_AT` principals of one type are
 * wanted, their type is listed 50 entities a page instead. Each lookup is answered as soon as the page
 * holding its principal arrives, so the caller's write can start while later pages are read; the principals
 * with no entity are answered when the listing ends.
 *
 * The listing stops once every wanted principal is found, or after one page per `COALESCE_AT` principals.
 * The principals it has not answered by then (an org with many more entities than lookups, or a listing
 * that failed for another reason than its credentials) are then read one by one, as a lookup alone always
 * is, each with its own error: they cost at most that many extra requests and round trips. A listing refused
 * for its credentials (401, 403) fails every lookup it holds, since each read of its own would be refused
 * the same way. Nothing is cached: every batch reads the API. Callers that looked up one principal together
 * get copies of one entity.
 *
 * A batch's requests run in the async context of the lookup that scheduled it (setImmediate keeps it);
 * nothing here reads that context.
 *
 * DataLoader was weighed and not used: its batch function answers every key of a batch at once, which would
 * hold each write until the last page is read.
 */
import type { PrincipalRateLimitEntity, PrincipalType } from '../okta-api';
import { AuthenticationError, AuthorizationError } from './errors/api-error';
import type { Page } from './operations';

/** Principals of one type wanted together from which one listing answers them. */
export const COALESCE_AT = 10;
/** Entities per page of a coalesced listing: the API's maximum (okta-api.md §2.2). */
export const LIST_PAGE_SIZE = 50;

type Found = PrincipalRateLimitEntity | undefined;

/** How lookups read the API: a type's listing page by page, and one principal's entity. */
export interface LookupSource {
  pages(principalType: PrincipalType, limit: number): AsyncIterable<Page<PrincipalRateLimitEntity>>;
  one(principalType: PrincipalType, principalId: string): Promise<Found>;
}

interface Waiter {
  readonly resolve: (found: Found) => void;
  readonly reject: (err: unknown) => void;
}

/** Waiters of one principal type, by principal id. */
type Wanted = Map<string, Waiter[]>;

/** Finds principals' entities, coalescing the lookups started in the same turn of the event loop. */
export class PrincipalLookups {
  private batch = new Map<PrincipalType, Wanted>();
  private scheduled = false;

  constructor(private readonly source: LookupSource) {}

  /** The entity of a principal, or undefined when it has none. */
  find(principalId: string, principalType: PrincipalType): Promise<Found> {
    return new Promise<Found>((resolve, reject) => {
      const wanted = this.batch.get(principalType) ?? new Map<string, Waiter[]>();
      this.batch.set(principalType, wanted);
      const waiters = wanted.get(principalId) ?? [];
      waiters.push({ resolve, reject });
      wanted.set(principalId, waiters);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.batch;
    this.batch = new Map();
    this.scheduled = false;
    for (const [principalType, wanted] of batch) {
      if (wanted.size >= COALESCE_AT)
        void this.listed(principalType, wanted, Math.ceil(wanted.size / COALESCE_AT));
      else this.oneByOne(principalType, wanted);
    }
  }

  /**
   * Answers the wanted principals from a listing of their type, page by page, reading at most `budget`
   * pages; the ones it leaves are looked up one by one.
   */
  private async listed(principalType: PrincipalType, wanted: Wanted, budget: number): Promise<void> {
    let read = 0;
    try {
      for await (const page of this.source.pages(principalType, LIST_PAGE_SIZE)) {
        for (const e of page.items) answer(wanted, e.principalId, e);
        if (wanted.size === 0) return;
        if (!page.more) {
          for (const principalId of [...wanted.keys()]) answer(wanted, principalId, undefined);
          return;
        }
        if (++read >= budget) break;
      }
    } catch (err) {
      if (err instanceof AuthenticationError || err instanceof AuthorizationError) {
        for (const waiters of wanted.values()) for (const w of waiters) w.reject(err);
        wanted.clear();
        return;
      }
      // Each principal not answered yet is read on its own below, and reports its own error.
    }
    this.oneByOne(principalType, wanted);
  }

  private oneByOne(principalType: PrincipalType, wanted: Wanted): void {
    for (const [principalId, waiters] of wanted) {
      Promise.resolve()
        .then(() => this.source.one(principalType, principalId))
        .then(
          (found) => settle(waiters, found),
          (err: unknown) => waiters.forEach((w) => w.reject(err)),
        );
    }
    wanted.clear();
  }
}

/** Resolves the lookups of a principal, if any are waiting, and forgets them. */
function answer(wanted: Wanted, principalId: string, found: Found): void {
  const waiters = wanted.get(principalId);
  if (!waiters) return;
  wanted.delete(principalId);
  settle(waiters, found);
}

/** Resolves each waiter with an entity of its own (callers may change what they get). */
function settle(waiters: readonly Waiter[], found: Found): void {
  waiters.forEach((w, i) => w.resolve(i === 0 || !found ? found : structuredClone(found)));
}
