/** The text of `okta-aerial plan`: one line per construct, the other resources, a summary line. */
import type { PlanAction } from '../terraform';
import { isReplace } from './json';
import type { StackPlan } from './types';

/** One line per construct, the other resources, then a summary line. */
export function formatPlan(plan: StackPlan): string {
  const width = Math.max(0, ...plan.constructs.map((c) => c.name.length));
  const lines = plan.constructs.map((c) => `${c.name.padEnd(width)}  ${c.kind.padEnd(20)}  ${c.text}`);
  if (plan.others.length > 0) {
    lines.push(
      `other resources: ${plan.others.map((o) => `${o.address} (${actionWord(o.actions)})`).join(', ')}`,
    );
  }
  const s = plan.summary;
  const n = s.change + s.drifted + s.unchanged + s.removed;
  const parts = [
    `${s.change} construct${s.change === 1 ? '' : 's'} change${s.change === 1 ? 's' : ''} in Okta`,
    `${s.drifted} drifted not repaired`,
    `${s.unchanged} unchanged`,
  ];
  if (s.removed > 0) {
    parts.push(
      `${s.removed} removed from the stack (left as ${s.removed === 1 ? 'it is' : 'they are'} in Okta)`,
    );
  }
  lines.push(
    `${plan.mode === 'destroy' ? 'destroy plan' : 'plan'}: ${parts.join(', ')}${n === 0 ? ' (no constructs)' : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

/** Terraform's actions in one word: create, update, replace, destroy, forget. */
export function actionWord(actions: readonly PlanAction[]): string {
  if (isReplace(actions)) return 'replace';
  if (actions.includes('create')) return 'create';
  if (actions.includes('delete')) return 'destroy';
  if (actions.includes('update')) return 'update';
  if (actions.includes('forget')) return 'forget';
  return actions.join('+') || 'no-op';
}
