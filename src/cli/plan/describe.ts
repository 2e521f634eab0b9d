/**
 * Step 2 of `okta-aerial plan`: the analyzed plan, the drift and the live states become one entry per
 * construct in Okta's terms, and the counts of the summary.
 */
import type { ResourceState } from '../../handlers/read';
import type { DriftEntry } from '../drift';
import { driftText, missingWords } from './okta-terms';
import { applyStep, destroyStep, unknownStep, type Before } from './steps';
import type {
  AnalyzedPlan,
  ConstructChange,
  ConstructPlan,
  LiveRead,
  LiveStates,
  PlanStep,
  PlanSummary,
  StackPlan,
} from './types';

/**
 * One entry per construct: what its hooks will do in Okta, with the live value as "before" where known
 * (from `live`, the objects read back; else from the drift entry; else the last deployed value from the
 * plan) and the plan's values as "after" (`(known after apply)` where the plan does not know them yet).
 */
export function describePlan(
  analyzed: AnalyzedPlan,
  drift: readonly DriftEntry[],
  live: LiveStates,
): StackPlan {
  const driftByPath = new Map(drift.map((d) => [d.path, d]));
  const names = displayNames(analyzed.constructs.map((c) => c.path));
  const constructs = analyzed.constructs.map((c) =>
    describeConstruct(c, names.get(c.path) ?? c.path, driftByPath.get(c.path), live),
  );
  return { mode: analyzed.mode, constructs, others: analyzed.others, summary: summarizePlan(constructs) };
}

function describeConstruct(
  c: ConstructChange,
  name: string,
  d: DriftEntry | undefined,
  live: LiveStates,
): ConstructPlan {
  const terraform = {
    identity: c.identityActions,
    config: c.configActions,
    ...(c.reason ? { reason: c.reason } : {}),
  };
  const base = { path: c.path, name, kind: c.kind, terraform };
  const notes = [...c.inPlace];
  const finish = (
    action: ConstructPlan['action'],
    steps: PlanStep[],
    text: string,
    extra: Partial<ConstructPlan> = {},
  ): ConstructPlan => ({
    ...base,
    action,
    okta: oktaEffect(steps),
    steps,
    text: notes.length && action !== 'in-place' ? `${text}; ${notes.join(', ')}` : text,
    notes,
    ...extra,
  });

  switch (c.category) {
    case 'remove':
      return finish('remove', [], 'removed from the stack: left as it is in Okta (no hook runs)');
    case 'destroy': {
      const step = c.old ? destroyStep(c.kind, c.old, observed(live, c.reads.old)) : unknownStep('destroy');
      return finish('destroy', [step], `${c.retired ? 'retired from the stack: ' : 'destroy: '}${step.text}`);
    }
    case 'replace': {
      const oldStep = c.old
        ? destroyStep(c.kind, c.old, observed(live, c.reads.old))
        : unknownStep('destroy');
      const newStep = applyStep(c, before(c, live, d, false), true);
      return finish(
        'replace',
        [oldStep, newStep],
        `old ${oldStep.object}: ${oldStep.text}; new: ${newStep.text}`,
      );
    }
    case 'create':
    case 'update':
    case 'repair':
    case 'reapply': {
      const step = applyStep(c, before(c, live, d, c.category !== 'create'), false);
      const prefix = c.category === 'repair' ? 'repair: ' : c.category === 'reapply' ? 're-apply: ' : '';
      return finish(c.category, [step], prefix + step.text);
    }
    case 'in-place':
    case 'none': {
      const drifted = d && (d.status === 'drifted' || d.status === 'missing');
      if (drifted) {
        const what =
          d.status === 'missing'
            ? `missing in Okta (${missingWords(c.kind)})`
            : `${driftText(c.kind, d)} in Okta`;
        return finish(
          'drifted',
          [],
          `drifted: ${what}; run 'okta-aerial drift --repair' to repair it in this deploy`,
          { drift: { status: d.status, fields: d.fields } },
        );
      }
      if (c.category === 'in-place') {
        return finish('in-place', [], `no change in Okta (${notes.join(', ') || 'inputs updated'})`);
      }
      const unchecked =
        d?.status === 'not-deployed' && d.reason ? ` (not compared with Okta: ${d.reason})` : '';
      return finish('none', [], `no change${unchecked}`);
    }
  }
}

/** The planned object's state before the deploy: read from Okta, from the drift entry, or as deployed. */
function before(c: ConstructChange, live: LiveStates, d: DriftEntry | undefined, sameKey: boolean): Before {
  const seen = observed(live, c.reads.planned);
  if (seen !== undefined) return { from: 'okta', state: seen };
  if (sameKey && d && (d.status === 'in-sync' || d.status === 'drifted') && d.live) {
    return { from: 'okta', state: d.live };
  }
  if (sameKey && d?.status === 'missing') return { from: 'okta', state: null };
  if (sameKey && c.deployedState) return { from: 'state', state: c.deployedState };
  return { from: 'none' };
}

/** The live state a read found (null: absent), or undefined when it was not read. */
function observed(live: LiveStates, read: LiveRead | undefined): ResourceState | null | undefined {
  if (!read || !live.has(read.id)) return undefined;
  return live.get(read.id) ?? null;
}

function oktaEffect(steps: readonly PlanStep[]): ConstructPlan['okta'] {
  if (steps.some((s) => s.writes === true)) return 'changes';
  if (steps.some((s) => s.writes === 'unknown')) return 'may change';
  return 'no change';
}

/** Counts per outcome. */
export function summarizePlan(constructs: readonly ConstructPlan[]): PlanSummary {
  const s = { change: 0, drifted: 0, unchanged: 0, removed: 0 };
  for (const c of constructs) {
    if (c.action === 'remove') s.removed++;
    else if (c.action === 'drifted') s.drifted++;
    else if (c.okta !== 'no change') s.change++;
    else s.unchanged++;
  }
  return s;
}

/** True when the deploy would change anything at all (in Okta or in the Terraform state), or leaves drift. */
export function hasChanges(plan: StackPlan): boolean {
  return plan.others.length > 0 || plan.constructs.some((c) => c.action !== 'none');
}

/** Short names where they are unique, construct paths where two constructs share one. */
export function displayNames(paths: readonly string[]): Map<string, string> {
  const short = (p: string): string => p.split('/').pop() || p;
  const count = new Map<string, number>();
  for (const p of paths) count.set(short(p), (count.get(short(p)) ?? 0) + 1);
  return new Map(paths.map((p) => [p, count.get(short(p)) === 1 ? short(p) : p]));
}
