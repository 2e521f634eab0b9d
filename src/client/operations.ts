/** What the API classes share: the executor they hand calls to, their counters, and pagination. */
import type { ApiRequest, ClientCounters, Executor } from './types';

/** What an API class hands to its helpers. */
export interface Operations {
  readonly executor: Executor;
  readonly deadlineMs: number;
}

/** Base of the API classes: an executor (in-process stack or deploy agent) and the operation deadline. */
export abstract class ApiClientBase {
  protected readonly ops: Operations;

  constructor(
    protected readonly executor: Executor,
    deadlineMs: number,
  ) {
    this.ops = { executor, deadlineMs };
  }

  /** Counters of this client as seen from this process. */
  get counters(): ClientCounters {
    return this.executor.counters;
  }

  /** Counters of the stack that sends the requests (the deploy agent's, when used). */
  sharedCounters(): Promise<ClientCounters> {
    return this.executor.sharedCounters();
  }
}

/** One page of a listing, and whether the server linked a next one. */
export interface Page<T> {
  readonly items: T[];
  readonly more: boolean;
}

/**
 * Iterates a listing's pages: the first request as described, then each Link rel="next" URL exactly as the
 * server gave it (cursors are opaque). Each page has its own deadline; the next one is requested only when
 * the caller asks for it.
 */
export function pages<T>(ops: Operations, first: Omit<ApiRequest, 'deadlineMs'>): AsyncIterable<Page<T>> {
  return {
    async *[Symbol.asyncIterator]() {
      let req: ApiRequest | undefined = { ...first, deadlineMs: ops.deadlineMs };
      let page = 1;
      while (req) {
        const res = await ops.executor.execute(req);
        const items = Array.isArray(res.data) ? (res.data as T[]) : [];
        page++;
        const next: ApiRequest | undefined = res.next
          ? {
              operation: `${first.operation} (page ${page})`,
              method: 'GET',
              path: res.next,
              scope: first.scope,
              deadlineMs: ops.deadlineMs,
            }
          : undefined;
        yield { items, more: next !== undefined };
        req = next;
      }
    },
  };
}

/** Iterates a listing item by item, page by page (see `pages`). */
export function paginate<T>(ops: Operations, first: Omit<ApiRequest, 'deadlineMs'>): AsyncIterable<T> {
  return {
    async *[Symbol.asyncIterator]() {
      for await (const page of pages<T>(ops, first)) yield* page.items;
    },
  };
}
