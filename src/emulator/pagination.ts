/**
 * Cursor pagination with RFC 8288 `Link` headers (okta-api.md 1.4 and 3.4). Cursors are opaque to clients:
 * base64url of a marker and the sort key of the item they point past, so they survive inserts.
 */
import { OktaError, err } from './errors';
import { compileFilter, FilterError, type FilterAttribute } from './scim-filter';

/** One page and whether there is more on either side. */
export interface Page<T> {
  readonly items: T[];
  readonly hasNext: boolean;
  readonly hasPrev: boolean;
}

/** Encodes an item key as an opaque cursor. */
export function encodeCursor(key: string): string {
  return Buffer.from(`c1:${key}`, 'utf8').toString('base64url');
}

/** Decodes a cursor; a cursor the emulator did not make gives 400 E0000054. */
export function decodeCursor(cursor: string, param: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith('c1:')) {
    throw new OktaError(400, 'E0000054', 'Invalid pagination properties.', [
      `${param}: not a cursor returned by this API`,
    ]);
  }
  return text.slice(3);
}

/** Cuts one page out of items already sorted by `keyOf` (ascending, unique keys). */
export function paginate<T>(
  sorted: T[],
  keyOf: (item: T) => string,
  q: { after?: string; before?: string; limit: number },
): Page<T> {
  if (q.after !== undefined) {
    const after = q.after;
    const start = sorted.findIndex((x) => keyOf(x) > after);
    if (start === -1) return { items: [], hasNext: false, hasPrev: sorted.length > 0 };
    const items = sorted.slice(start, start + q.limit);
    return { items, hasNext: start + q.limit < sorted.length, hasPrev: start > 0 };
  }
  if (q.before !== undefined) {
    const before = q.before;
    let end = sorted.findIndex((x) => keyOf(x) >= before);
    if (end === -1) end = sorted.length;
    const start = Math.max(0, end - q.limit);
    return { items: sorted.slice(start, end), hasNext: end < sorted.length, hasPrev: start > 0 };
  }
  return { items: sorted.slice(0, q.limit), hasNext: q.limit < sorted.length, hasPrev: false };
}

/** `Link` header values: self (the request as made), next (after the last item), prev (before the first). */
export function linkHeaders<T>(
  self: URL,
  page: Page<T>,
  keyOf: (item: T) => string,
  withPrev: boolean,
): string[] {
  const links = [`<${self.toString()}>; rel="self"`];
  if (page.hasNext && page.items.length) {
    const next = new URL(self.toString());
    next.searchParams.delete('before');
    next.searchParams.set('after', encodeCursor(keyOf(page.items[page.items.length - 1])));
    links.push(`<${next.toString()}>; rel="next"`);
  }
  if (withPrev && page.hasPrev && page.items.length) {
    const prev = new URL(self.toString());
    prev.searchParams.delete('after');
    prev.searchParams.set('before', encodeCursor(keyOf(page.items[0])));
    links.push(`<${prev.toString()}>; rel="prev"`);
  }
  return links;
}

/** Parses `limit`: integer in 1..max, default `def`; otherwise 400 E0000001. */
export function parseLimit(raw: string | null, def: number, max: number): number {
  if (raw === null) return def;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isInteger(n) || n < 1 || n > max)
    throw err.validation('limit', `limit: must be an integer between 1 and ${max}`);
  return n;
}

/** How a list endpoint pages: its limits, its filter attributes, and whether it honours `before`. */
export interface ListOptions<T> {
  readonly defaultLimit: number;
  readonly maxLimit: number;
  readonly filter: Record<string, FilterAttribute<T>>;
  /** Honour `before` and send `prev` links (the Aerial API does; Principal Rate Limits do not). */
  readonly before: boolean;
}

/**
 * One page of a list endpoint from its query (`limit`, SCIM `filter`, `after`/`before` cursors) over items
 * sorted by `keyOf`, with the Link header values; a bad query parameter is 400.
 */
export function listPage<T>(
  url: URL,
  sorted: T[],
  keyOf: (item: T) => string,
  o: ListOptions<T>,
): { items: T[]; link: string[] } {
  const q = url.searchParams;
  const limit = parseLimit(q.get('limit'), o.defaultLimit, o.maxLimit);
  const after = q.get('after');
  const before = o.before ? q.get('before') : null;
  const filter = q.get('filter');
  let items = sorted;
  if (filter !== null) {
    try {
      items = items.filter(compileFilter(filter, o.filter));
    } catch (e) {
      if (e instanceof FilterError) throw err.validation('filter', `filter: ${e.message}`);
      throw e;
    }
  }
  const page = paginate(items, keyOf, {
    limit,
    after: after !== null ? decodeCursor(after, 'after') : undefined,
    before: before !== null && after === null ? decodeCursor(before, 'before') : undefined,
  });
  return { items: page.items, link: linkHeaders(url, page, keyOf, o.before) };
}
