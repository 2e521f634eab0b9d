/**
 * `okta-aerial plan`, the pure part: from Terraform's saved plan (`terraform show -json`), the synthesized
 * constructs, the drift found and the live objects read back, what the next deploy will do in Okta, per
 * construct and in Okta's terms (design.md, "Lifecycle on Terraform"):
 * - a config resource created or replaced runs the idempotent apply (create/adopt, a change of desired
 *   state, or a repair of a tainted one);
 * - an identity resource replaced (a natural key change) runs the old object's destroy handling per its
 *   removal policy, then the new object's apply;
 * - a construct removed from the code loses its resources without any hook;
 * - a destroy plan runs every identity's destroy handling per removal policy;
 * - in-place updates (connection, removal policy) run nothing;
 * - drift on a construct whose config is not replaced stays as it is.
 *
 * Two steps, so the command can read Okta in between: {@link analyzePlan} says what Terraform will do per
 * construct and which live objects matter; {@link describePlan} turns that, the drift and the live states
 * into one entry per construct. Nothing here does I/O.
 *
 * Re-exports only. The parts: types.ts (the data of both steps), analyze.ts (step 1) with resource-change.ts
 * (what one lifecycle resource's change says), describe.ts (step 2) with steps.ts (what each hook does to
 * one object), okta-terms.ts (states and objects in Okta's words), format.ts (the text output) and json.ts
 * (helpers for the values of Terraform's JSON plan).
 */

export { analyzePlan, liveId } from './analyze';
export { describePlan, displayNames, hasChanges, summarizePlan } from './describe';
export { actionWord, formatPlan } from './format';
export { unknownPaths } from './json';
export { KNOWN_AFTER_APPLY } from './okta-terms';
export type {
  AnalyzedPlan,
  ConstructChange,
  ConstructPlan,
  LiveRead,
  LiveStates,
  OtherChange,
  PlanCategory,
  PlannedSpec,
  PlanStep,
  PlanSummary,
  StackPlan,
  Writes,
} from './types';
