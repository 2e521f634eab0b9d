/**
 * The data of `okta-aerial plan`'s two steps: what Terraform will do per construct, then what that does in
 * Okta.
 */
import type { FieldDrift, ResourceState } from '../../handlers/read';
import type { RemovalPolicy, ResourceKind, ResourceSpec } from '../../contract';
import type { DriftEntry } from '../drift';
import type { PlanAction } from '../terraform';

/** What Terraform will do with a construct's lifecycle resources, in the lifecycle's terms. */
export type PlanCategory =
  /** config created (and usually the identity): apply = link/create or adopt */
  | 'create'
  /** config replaced because the desired state changed: apply */
  | 'update'
  /** config replaced because it was marked (tainted) by `drift --repair`: apply again */
  | 'repair'
  /** config replaced for another reason (e.g. a value from another resource is not known yet): apply again */
  | 'reapply'
  /** identity replaced (natural key changed): old object's destroy handling, then the new one's apply */
  | 'replace'
  /** the construct is no longer in the code: its resources go, no hook runs */
  | 'remove'
  /** a destroy plan: the identity's destroy handling per removal policy */
  | 'destroy'
  /** only in-place updates (connection, removal policy): no hook runs */
  | 'in-place'
  /** every resource unchanged */
  | 'none';

/** A spec as the deploy will see it, with the dotted paths whose values are known only after apply. */
export interface PlannedSpec {
  readonly spec: ResourceSpec;
  readonly unknown: readonly string[];
}

/** One live object the description needs (read it with the handlers' `readLive`). */
export interface LiveRead {
  /** Identifies the object (kind + natural key + where); equal for equal objects. */
  readonly id: string;
  readonly spec: ResourceSpec;
}

/** What Terraform will do with one construct (the first step). */
export interface ConstructChange {
  readonly path: string;
  readonly kind: ResourceKind;
  /** False when the construct was removed from the code (it is only in the Terraform state). */
  readonly inCode: boolean;
  readonly category: PlanCategory;
  /** A `destroy` that comes from a retired construct (a `removed` block with the destroy hook). */
  readonly retired?: boolean;
  readonly identityActions: readonly PlanAction[];
  readonly configActions: readonly PlanAction[];
  /** Terraform's reason for the config's action, e.g. `replace_because_tainted`. */
  readonly reason?: string;
  /** The spec the apply hook will get (categories that run it). */
  readonly planned?: PlannedSpec;
  /** The object the destroy hook will act on, as deployed (replace and destroy). */
  readonly old?: { readonly spec: ResourceSpec; readonly removalPolicy: RemovalPolicy };
  /** The desired state the config had when it was last deployed, when the plan has it. */
  readonly deployedState?: ResourceState;
  /** What was updated in place without any hook: `removal policy RETAIN -> DESTROY`, `connection`. */
  readonly inPlace: readonly string[];
  /** Live objects worth reading: the planned one (key known) and, for DESTROY handling, the old one. */
  readonly reads: { readonly planned?: LiveRead; readonly old?: LiveRead };
}

/** A resource of the plan that belongs to no construct of this library. */
export interface OtherChange {
  readonly address: string;
  readonly actions: readonly PlanAction[];
}

/** The first step's result. */
export interface AnalyzedPlan {
  readonly mode: 'apply' | 'destroy';
  readonly constructs: readonly ConstructChange[];
  readonly others: readonly OtherChange[];
  /** Every distinct live object worth reading. */
  readonly reads: readonly LiveRead[];
}

/** Live states by {@link LiveRead.id}: the state, or null when the object does not exist in Okta. */
export type LiveStates = ReadonlyMap<string, ResourceState | null>;

/** Whether a step writes to Okta: true, false, or 'unknown' (values known only after apply). */
export type Writes = boolean | 'unknown';

/** One thing a hook does to one object in Okta. */
export interface PlanStep {
  /** `destroy`: the (old) object's destroy handling; `apply`: the idempotent upsert. */
  readonly phase: 'apply' | 'destroy';
  /** `org 00o...`, `products of org 00o...`, `rate limit of 00T...` */
  readonly object: string;
  readonly operation:
    'link' | 'adopt' | 'create' | 'set' | 'none' | 'retain' | 'deactivate' | 'disable' | 'reset' | 'unknown';
  /** The object's state before: read from Okta, or (when Okta could not be read) as last deployed. */
  readonly before?: ResourceState;
  readonly beforeFrom?: 'okta' | 'state';
  /** True when the object does not exist in Okta (an org not linked, a principal without a rate limit). */
  readonly absent?: boolean;
  /** The object's state after; fields known only after apply are left out and listed in `unknown`. */
  readonly after?: ResourceState;
  readonly unknown?: readonly string[];
  readonly removalPolicy?: RemovalPolicy;
  readonly writes: Writes;
  readonly text: string;
}

/** What the next deploy does in Okta for one construct. */
export interface ConstructPlan {
  readonly path: string;
  /** The short name (last path segment), or the path when two constructs share it. */
  readonly name: string;
  readonly kind: ResourceKind;
  /** The lifecycle category, or `drifted` when nothing re-applies a construct that drifted. */
  readonly action: PlanCategory | 'drifted';
  /** In Okta: `changes` (a hook writes), `may change` (depends on values known after apply), `no change`. */
  readonly okta: 'changes' | 'may change' | 'no change';
  readonly steps: readonly PlanStep[];
  /** The line shown for the construct (without its name and kind). */
  readonly text: string;
  /** Drift found and left as it is by this deploy. */
  readonly drift?: { readonly status: DriftEntry['status']; readonly fields: readonly FieldDrift[] };
  readonly notes: readonly string[];
  readonly terraform: {
    readonly identity: readonly PlanAction[];
    readonly config: readonly PlanAction[];
    readonly reason?: string;
  };
}

/** Counts for the summary line and --json. */
export interface PlanSummary {
  /** Constructs the deploy changes (or may change) in Okta. */
  readonly change: number;
  /** Constructs that drifted and that this deploy does not repair. */
  readonly drifted: number;
  /** Constructs with no change in Okta (in-place updates included). */
  readonly unchanged: number;
  /** Constructs removed from the code (left as they are in Okta). */
  readonly removed: number;
}

/** The second step's result. */
export interface StackPlan {
  readonly mode: 'apply' | 'destroy';
  readonly constructs: readonly ConstructPlan[];
  readonly others: readonly OtherChange[];
  readonly summary: PlanSummary;
}
