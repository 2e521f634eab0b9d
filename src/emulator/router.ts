/**
 * Route tables and their matcher. A route is a path pattern with `{param}` segments and, per method, the
 * handler and its stats name (`family.operation`, e.g. `aerial.listOrgs`); a known path with another
 * method matches as `family.methodNotAllowed` so that it is answered 405 with `Allow`.
 */

/** One path of a table. */
export interface Route<H> {
  readonly pattern: RegExp;
  readonly keys: string[];
  readonly methods: Record<string, [name: string, handler: H]>;
}

/** A route for `path` (e.g. `/orgs/{orgId}/status`); each `{param}` matches one path segment. */
export function route<H>(path: string, methods: Record<string, [name: string, handler: H]>): Route<H> {
  const keys: string[] = [];
  const source = path
    .split(/(\{\w+\})/)
    .map((part) => {
      const key = /^\{(\w+)\}$/.exec(part)?.[1];
      if (!key) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      keys.push(key);
      return '([^/]+)';
    })
    .join('');
  return { pattern: new RegExp(`^${source}$`), keys, methods };
}

/** A matched path: the route name, decoded params, and the handler or (for another method) what is allowed. */
export interface TableMatch<H> {
  route: string;
  params: Record<string, string>;
  handler?: H;
  allow?: string[];
}

/** Finds `path` in a table; undefined when no route has that path (or a segment is not valid %-encoding). */
export function matchTable<H>(table: Route<H>[], method: string, path: string): TableMatch<H> | undefined {
  for (const r of table) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    const params = decodeParams(r.keys, m.slice(1));
    if (!params) return undefined;
    const hit = r.methods[method];
    if (hit) return { route: hit[0], params, handler: hit[1] };
    const family = Object.values(r.methods)[0][0].split('.')[0];
    return { route: `${family}.methodNotAllowed`, params, allow: Object.keys(r.methods) };
  }
  return undefined;
}

/** Decodes %-encoded path segments; undefined when one is malformed. */
export function decodeParams(keys: string[], values: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  try {
    keys.forEach((k, i) => (params[k] = decodeURIComponent(values[i])));
  } catch {
    return undefined;
  }
  return params;
}
