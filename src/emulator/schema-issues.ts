/**
 * Turns zod issues into the emulator's validation messages, `root.path[i].field: message`, listed in path
 * order (indices ascending, keys in the order the schemas declare them) so that problems read top to bottom
 * like the input. The seed and the fault configuration both report through here.
 */
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/**
 * Rank of each object key, from the shapes in declaration order (first declaration wins), so that the
 * problems of one object are listed in the order of its fields.
 */
export function keyOrder(...shapes: object[]): Map<string, number> {
  const order = new Map<string, number>();
  for (const shape of shapes)
    for (const key of Object.keys(shape)) if (!order.has(key)) order.set(key, order.size);
  return order;
}

/** How a cross-field rule's issue is listed (its `params`). */
export interface RuleIssueParams {
  /** Replaces the field issues at the same path (the rule says more, e.g. which value the field must have). */
  supersedes?: boolean;
  /** Listed with this sibling field's problems rather than its own path's (to keep a reader's order). */
  after?: string;
}

/** The messages of a failed parse, in path order; an unrecognized key gives `path.key: unknown field`. */
export function issueMessages(root: string, issues: readonly Issue[], order: Map<string, number>): string[] {
  const superseding = new Set(issues.filter(isSuperseding).map((i) => pathText(root, i.path)));
  const kept = issues.filter((i) => isSuperseding(i) || !superseding.has(pathText(root, i.path)));
  const sorted = [...kept].sort((a, b) => comparePaths(sortPath(a), sortPath(b), order));
  return sorted.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => `${pathText(root, [...i.path, k])}: unknown field`)
      : [`${pathText(root, i.path)}: ${i.message}`],
  );
}

function ruleParams(i: Issue): RuleIssueParams {
  return i.code === 'custom' ? ((i.params ?? {}) as RuleIssueParams) : {};
}

function isSuperseding(i: Issue): boolean {
  return ruleParams(i).supersedes === true;
}

function sortPath(i: Issue): readonly PropertyKey[] {
  const after = ruleParams(i).after;
  return after === undefined ? i.path : [...i.path.slice(0, -1), after];
}

function pathText(root: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (s, seg) => (typeof seg === 'number' ? `${s}[${seg}]` : `${s}.${String(seg)}`),
    root,
  );
}

/** Top-level problems first (a missing top-level array says more than what follows), then path order. */
function comparePaths(
  a: readonly PropertyKey[],
  b: readonly PropertyKey[],
  order: Map<string, number>,
): number {
  const top = Number(a.length > 1) - Number(b.length > 1);
  if (top !== 0) return top;
  const rank = (seg: PropertyKey) => (typeof seg === 'number' ? seg : (order.get(String(seg)) ?? order.size));
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return rank(a[i]) - rank(b[i]);
  return a.length - b.length;
}
