/**
 * What each hook does to one object in Okta, against its state before: the apply hook's idempotent upsert,
 * and the destroy hook's handling per removal policy (design.md, "Removal policy").
 */
import type { ResourceState } from '../../handlers/read';
import { DEFAULT_PRINCIPAL_PERCENTAGE, type ResourceKind } from '../../contract';
import { asStrings, pathUnknown } from './json';
import {
  fmt,
  KNOWN_AFTER_APPLY,
  objectLabel,
  plannedState,
  sameState,
  stateFields,
  stateText,
} from './okta-terms';
import type { ConstructChange, PlanStep, Writes } from './types';

/** The planned object's state before the deploy, and where it was learned. */
export type Before =
  | { readonly from: 'okta'; readonly state: ResourceState | null }
  | { readonly from: 'state'; readonly state: ResourceState }
  | { readonly from: 'none' };

/** The apply hook's upsert of the planned object, against its state before. */
export function applyStep(c: ConstructChange, was: Before, labelled: boolean): PlanStep {
  const planned = c.planned;
  if (!planned) return unknownStep('apply');
  const spec = planned.spec;
  const isUnknown = (p: string): boolean => pathUnknown(planned.unknown, p);
  const object = objectLabel(spec, isUnknown);
  const keyUnknown = object.includes(KNOWN_AFTER_APPLY);
  const after = plannedState(spec, isUnknown);
  const unknownState = stateFields(c.kind).filter((f) => !(f in after));
  const unknown = [...new Set([...unknownState, ...planned.unknown])];
  const beforeState = was.from === 'none' ? undefined : (was.state ?? undefined);
  const absent = was.from === 'okta' && was.state === null;
  const common = {
    phase: 'apply' as const,
    object,
    ...(beforeState ? { before: beforeState, beforeFrom: was.from as 'okta' | 'state' } : {}),
    ...(absent ? { absent: true } : {}),
    after,
    ...(unknown.length ? { unknown } : {}),
  };
  const asDeployed = was.from === 'state' ? ' (before: as last deployed; Okta not read)' : '';
  const lead = labelled ? `${object}: ` : '';
  const desired = stateText(c.kind, after);

  if (keyUnknown || was.from === 'none') {
    const verb =
      c.kind === 'aerial-org'
        ? `link or adopt ${object}, ${desired}`
        : c.kind === 'product-assignment'
          ? `${object}: set to ${desired}`
          : `create or adopt ${object}: ${desired}`;
    return { ...common, operation: 'unknown', writes: 'unknown', text: verb };
  }
  const writes: Writes =
    unknownState.length > 0 ? 'unknown' : absent || !beforeState || !sameState(c.kind, beforeState, after);
  switch (c.kind) {
    case 'aerial-org':
      if (absent) return { ...common, operation: 'link', writes: true, text: `link ${object}, ${desired}` };
      if (writes === false) {
        return {
          ...common,
          operation: 'none',
          writes,
          text:
            c.category === 'create' || labelled
              ? `adopt ${object}: already linked and ${desired} (no write)`
              : `status ${desired}: already so in Okta (no write)`,
        };
      }
      return {
        ...common,
        operation: c.category === 'create' || labelled ? 'adopt' : 'set',
        writes,
        text:
          (c.category === 'create' || labelled ? `adopt ${object}: ` : '') +
          `status ${stateText(c.kind, beforeState!)} -> ${desired}${asDeployed}`,
      };
    case 'product-assignment': {
      const was_ = absent ? '[]' : stateText(c.kind, beforeState!);
      if (writes === false) {
        return {
          ...common,
          operation: 'none',
          writes,
          text: `${lead}products ${desired}: already so in Okta (no write)`,
        };
      }
      return {
        ...common,
        operation: 'set',
        writes,
        text: `${labelled ? `${object}: ` : 'products '}${was_} -> ${desired}${asDeployed}`,
      };
    }
    case 'principal-rate-limit':
      if (absent) {
        return {
          ...common,
          operation: 'create',
          writes: true,
          text: labelled ? `create ${object}: ${desired}` : `create rate limit ${desired}`,
        };
      }
      if (writes === false) {
        return {
          ...common,
          operation: 'none',
          writes,
          text: `${lead}${desired}: already so in Okta (no write)`,
        };
      }
      return {
        ...common,
        operation: c.category === 'create' ? 'adopt' : 'set',
        writes,
        text:
          (c.category === 'create' && !labelled ? 'adopt rate limit: ' : lead) +
          `${stateText(c.kind, beforeState!)} -> ${desired}${asDeployed}`,
      };
  }
}

/** The destroy hook's handling of an (old) object per its removal policy, against its live state. */
export function destroyStep(
  kind: ResourceKind,
  old: NonNullable<ConstructChange['old']>,
  seen: ResourceState | null | undefined,
): PlanStep {
  const object = objectLabel(old.spec, () => false);
  const policy = old.removalPolicy;
  const common = {
    phase: 'destroy' as const,
    object,
    removalPolicy: policy,
    ...(seen ? { before: seen, beforeFrom: 'okta' as const } : {}),
    ...(seen === null ? { absent: true } : {}),
  };
  if (policy !== 'DESTROY') {
    return { ...common, operation: 'retain', writes: false, text: `retained (${policy})` };
  }
  switch (kind) {
    case 'aerial-org': {
      const del = (old.spec as { requestDeletion?: boolean }).requestDeletion === true;
      const after = { status: 'INACTIVE' };
      if (seen === null) {
        return { ...common, operation: 'none', writes: false, text: 'not linked; nothing to do (DESTROY)' };
      }
      if (seen && seen.status === 'INACTIVE' && !del) {
        return {
          ...common,
          operation: 'none',
          after,
          writes: false,
          text: 'already INACTIVE (DESTROY; no write)',
        };
      }
      const from = seen ? `status ${fmt(seen.status)} -> INACTIVE` : 'set INACTIVE';
      return {
        ...common,
        operation: 'deactivate',
        after,
        writes: true,
        text: `${seen?.status === 'INACTIVE' ? 'already INACTIVE' : from}${del ? ', then request its deletion' : ''} (DESTROY)`,
      };
    }
    case 'product-assignment': {
      const declared = [...new Set((old.spec as { productIds?: string[] }).productIds ?? [])].sort();
      if (seen === null) {
        return {
          ...common,
          operation: 'none',
          writes: false,
          text: 'org not linked; nothing to disable (DESTROY)',
        };
      }
      if (!seen) {
        return { ...common, operation: 'disable', writes: true, text: `disable ${fmt(declared)} (DESTROY)` };
      }
      const current = asStrings(seen.productIds);
      const remaining = current.filter((p) => !declared.includes(p));
      const after = { productIds: remaining };
      if (remaining.length === current.length) {
        return {
          ...common,
          operation: 'none',
          after,
          writes: false,
          text: `none of ${fmt(declared)} enabled (DESTROY; no write)`,
        };
      }
      return {
        ...common,
        operation: 'disable',
        after,
        writes: true,
        text: `disable ${fmt(declared)} (DESTROY): products ${fmt(current)} -> ${fmt(remaining)}`,
      };
    }
    case 'principal-rate-limit': {
      const after = {
        // What DESTROY resets a rate limit to.
        defaultPercentage: DEFAULT_PRINCIPAL_PERCENTAGE,
        defaultConcurrencyPercentage: DEFAULT_PRINCIPAL_PERCENTAGE,
      };
      const target = stateText(kind, after);
      if (seen === null) {
        return {
          ...common,
          operation: 'none',
          writes: false,
          text: 'no rate limit in Okta; nothing to reset (DESTROY)',
        };
      }
      if (!seen)
        return { ...common, operation: 'reset', after, writes: true, text: `reset to ${target} (DESTROY)` };
      if (sameState(kind, seen, after)) {
        return {
          ...common,
          operation: 'none',
          after,
          writes: false,
          text: `already ${target} (DESTROY; no write)`,
        };
      }
      return {
        ...common,
        operation: 'reset',
        after,
        writes: true,
        text: `reset ${stateText(kind, seen)} -> ${target} (DESTROY)`,
      };
    }
  }
}

export function unknownStep(phase: 'apply' | 'destroy'): PlanStep {
  return {
    phase,
    object: 'the object',
    operation: 'unknown',
    writes: 'unknown',
    text: `${phase === 'apply' ? 'apply' : 'destroy handling'} (the plan does not say with which values)`,
  };
}
