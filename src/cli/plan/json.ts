/** Helpers for the values of Terraform's JSON plan: actions, records, specs, dotted paths, unknown values. */
import type { ResourceKind } from '../../contract';
import type { PlanAction } from '../terraform';

const KINDS: readonly ResourceKind[] = ['aerial-org', 'product-assignment', 'principal-rate-limit'];

export function isNoop(actions: readonly PlanAction[]): boolean {
  return actions.every((a) => a === 'no-op' || a === 'read');
}

export function isReplace(actions: readonly PlanAction[]): boolean {
  return actions.includes('delete') && actions.includes('create');
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isSpecLike(v: unknown): v is Record<string, unknown> & { path: string; kind: ResourceKind } {
  return isRecord(v) && v.v === 1 && typeof v.path === 'string' && KINDS.includes(v.kind as ResourceKind);
}

export function asStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

export function parseJson(v: unknown): unknown {
  if (typeof v !== 'string') return undefined;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return undefined;
  }
}

/** Equal as JSON with object keys in any order. */
export function sameJson(a: unknown, b: unknown): boolean {
  const norm = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(norm)
      : isRecord(x)
        ? Object.fromEntries(
            Object.keys(x)
              .sort()
              .map((k) => [k, norm(x[k])]),
          )
        : x;
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

/** Dotted paths (`principalId`, `org.orgUrl`, `productIds[1]`) where `after_unknown` says `true`. */
export function unknownPaths(u: unknown, at = ''): string[] {
  if (u === true) return [at || '(root)'];
  if (Array.isArray(u)) return u.flatMap((v, i) => unknownPaths(v, `${at}[${i}]`));
  if (isRecord(u)) return Object.entries(u).flatMap(([k, v]) => unknownPaths(v, at ? `${at}.${k}` : k));
  return [];
}

/** True when `p`, a part of it, or a value inside it is unknown. */
export function pathUnknown(unknown: readonly string[], p: string): boolean {
  return unknown.some(
    (u) =>
      u === '(root)' ||
      u === p ||
      p.startsWith(`${u}.`) ||
      p.startsWith(`${u}[`) ||
      u.startsWith(`${p}.`) ||
      u.startsWith(`${p}[`),
  );
}

/** Parts of a dotted path with indexes: `productIds[1]` -> ['productIds', 1]. */
function parts(p: string): Array<string | number> {
  return p
    .split(/\.|(?=\[)/)
    .map((s) => (s.startsWith('[') ? Number(s.slice(1, -1)) : s))
    .filter((s) => s !== '');
}

export function setAt(obj: Record<string, unknown>, p: string, value: unknown): void {
  const ks = parts(p);
  let node = obj as Record<string | number, unknown>;
  for (const k of ks.slice(0, -1)) {
    if (!isRecord(node[k]) && !Array.isArray(node[k])) node[k] = {};
    node = node[k] as Record<string | number, unknown>;
  }
  node[ks[ks.length - 1]] = value;
}
