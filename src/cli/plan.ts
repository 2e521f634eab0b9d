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
 */
import type { FieldDrift, ResourceState } from '../handlers/read';
import type { OrgRefSpec, RemovalPolicy, ResourceKind, ResourceSpec } from '../contract';
import type { DriftEntry } from './drift';
import type { StackConstruct } from './synthesized-stack';
import type { PlanAction, PlanJson, PlanResourceChange } from './terraform';

const KINDS: readonly ResourceKind[] = ['aerial-org', 'product-assignment', 'principal-rate-limit'];

/** Okta's default share for a principal, and what DESTROY resets a rate limit to. */
const DEFAULT_PERCENTAGE = 50;

/** How a value known only after apply is shown. */
export const KNOWN_AFTER_APPLY = '(known after apply)';

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

// ---------------------------------------------------------------------------------------------------------
// Step 1: what Terraform will do, per construct.

interface Group {
  path: string;
  kind?: ResourceKind;
  construct?: StackConstruct;
  identity?: PlanResourceChange;
  config?: PlanResourceChange;
}

/**
 * Groups the plan's resource changes by construct (constructs of the code by their addresses, removed ones
 * by the spec in their prior values) and says what Terraform will do with each. `destroy` marks a plan made
 * with `-destroy` (it is also recognized from the plan itself).
 */
export function analyzePlan(
  plan: PlanJson,
  constructs: readonly StackConstruct[],
  opts: { destroy?: boolean; retired?: ReadonlySet<string> } = {},
): AnalyzedPlan {
  const byAddress = new Map<string, { group: Group; role: 'identity' | 'config' }>();
  const groups = new Map<string, Group>();
  // Removed constructs apart: one may share its path with a construct of the code (another rendering).
  const removed = new Map<string, Group>();
  for (const c of constructs) {
    const group: Group = { path: c.path, kind: c.kind, construct: c };
    groups.set(c.path, group);
    byAddress.set(c.configAddress, { group, role: 'config' });
    if (c.identityAddress) byAddress.set(c.identityAddress, { group, role: 'identity' });
  }
  const others: OtherChange[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.deposed || rc.mode === 'data') continue;
    let slot = byAddress.get(rc.address);
    if (!slot) {
      const found = removedConstructResource(rc);
      if (found) {
        let group = removed.get(found.path);
        if (!group) {
          group = { path: found.path };
          removed.set(found.path, group);
        }
        // A null_resource identity alone cannot tell an org from its products: its config's word wins.
        if (found.role === 'config' || !group.kind) group.kind = found.kind;
        slot = { group, role: found.role };
      }
    }
    if (slot) {
      slot.group[slot.role] = rc;
    } else if (!isNoop(rc.change.actions)) {
      others.push({ address: rc.address, actions: rc.change.actions });
    }
  }
  const out = [...groups.values(), ...removed.values()]
    .filter((g) => g.kind !== undefined && (g.construct || g.identity || g.config))
    .map((g) => analyzeConstruct(g, opts.retired))
    .sort((a, b) => a.path.localeCompare(b.path));
  const reads = new Map<string, LiveRead>();
  for (const c of out) {
    for (const r of [c.reads.planned, c.reads.old]) if (r) reads.set(r.id, r);
  }
  const destroy = opts.destroy ?? out.some((c) => c.category === 'destroy' && !c.retired);
  return { mode: destroy ? 'destroy' : 'apply', constructs: out, others, reads: [...reads.values()] };
}

/** A resource of one of this library's constructs that is in the state but not in the code. */
function removedConstructResource(
  rc: PlanResourceChange,
): { path: string; kind: ResourceKind; role: 'identity' | 'config' } | undefined {
  const before = rc.change.before;
  if (!isRecord(before)) return undefined;
  if (rc.type === 'terraform_data') {
    const input = isRecord(before.output) ? before.output : before.input;
    if (!isSpecLike(input)) return undefined;
    return { path: input.path, kind: input.kind, role: input.role === 'identity' ? 'identity' : 'config' };
  }
  if (rc.type === 'null_resource' && isRecord(before.triggers)) {
    // null_resource keeps no spec: the construct is named by the address, the kind by the key and state.
    const m = /^(.+)_(Identity|Config)_[0-9A-F]{8}$/.exec(rc.name ?? rc.address.split('.').pop() ?? '');
    if (!m) return undefined;
    const t = before.triggers;
    const role = m[2] === 'Identity' ? 'identity' : 'config';
    const key = role === 'config' ? parseJson(t.key) : t;
    const state = role === 'config' ? parseJson(t.state) : undefined;
    if (!isRecord(key)) return undefined;
    let kind: ResourceKind | undefined;
    if ('principalId' in key) kind = 'principal-rate-limit';
    else if (isRecord(state) && 'status' in state) kind = 'aerial-org';
    else if (isRecord(state) && 'productIds' in state) kind = 'product-assignment';
    else if (!('account.accountId' in key)) return undefined;
    // An identity alone cannot tell an org from its products; the config of the same construct will.
    return { path: m[1], kind: kind ?? 'aerial-org', role };
  }
  return undefined;
}

function analyzeConstruct(g: Group, retired?: ReadonlySet<string>): ConstructChange {
  const c = g.construct;
  const kind = (g.kind ?? c?.kind) as ResourceKind;
  const identityActions = g.identity?.change.actions ?? [];
  const configActions = g.config?.change.actions ?? [];
  const reason = g.config?.action_reason;
  const base = {
    path: g.path,
    kind,
    inCode: c !== undefined,
    identityActions,
    configActions,
    ...(reason ? { reason } : {}),
  };
  const deployedState = deployedStateOf(g.config);
  if (!c && g.identity && retired?.has(g.identity.address) && g.identity.type === 'terraform_data') {
    // Retired: a `removed` block runs the identity's destroy hook with its last deployed spec.
    const old = oldObject({ kind } as StackConstruct, g.identity, g.config);
    const reads = old && old.removalPolicy === 'DESTROY' ? { old: liveRead(old.spec) } : {};
    return { ...base, category: 'destroy', retired: true, ...(old ? { old } : {}), inPlace: [], reads };
  }
  if (!c) {
    return {
      ...base,
      category: 'remove',
      ...(deployedState ? { deployedState } : {}),
      inPlace: [],
      reads: {},
    };
  }
  const idReplaced = isReplace(identityActions);
  const idDeleted = identityActions.includes('delete') && !identityActions.includes('create');
  const cfgRuns = configActions.includes('create');
  let category: PlanCategory;
  if (idDeleted) category = 'destroy';
  else if (idReplaced) category = 'replace';
  else if (cfgRuns && !configActions.includes('delete')) category = 'create';
  else if (cfgRuns) {
    if (stateChanged(g.config)) category = 'update';
    else if (reason === 'replace_because_tainted') category = 'repair';
    else category = 'reapply';
  } else if (identityActions.includes('update') || configActions.includes('update')) category = 'in-place';
  else category = 'none';

  const planned = cfgRuns && g.config ? plannedSpec(c, g.config) : undefined;
  const old =
    category === 'replace' || category === 'destroy' ? oldObject(c, g.identity, g.config) : undefined;
  const inPlace = category === 'destroy' ? [] : inPlaceNotes(kind, [g.identity, g.config]);
  const reads: { planned?: LiveRead; old?: LiveRead } = {};
  if (planned && canRead(planned)) reads.planned = liveRead(planned.spec);
  if (old && old.removalPolicy === 'DESTROY') reads.old = liveRead(old.spec);
  return {
    ...base,
    category,
    ...(planned ? { planned } : {}),
    ...(old ? { old } : {}),
    ...(deployedState ? { deployedState } : {}),
    inPlace,
    reads,
  };
}

/** The spec the apply hook of a created or replaced config resource will get. */
function plannedSpec(c: StackConstruct, rc: PlanResourceChange): PlannedSpec {
  const after = rc.change.after ?? {};
  const au = rc.change.after_unknown;
  if (rc.type === 'null_resource') {
    // The key and desired state are the triggers (JSON strings); the rest of the spec is literal.
    const spec = structuredClone(c.spec) as unknown as Record<string, unknown>;
    const unknown: string[] = [];
    const tu = isRecord(au) ? au.triggers : undefined;
    const triggers = isRecord(after.triggers) ? after.triggers : {};
    for (const part of ['key', 'state'] as const) {
      const value = parseJson(triggers[part]);
      const fields = isRecord(value) ? value : {};
      if (tu === true || (isRecord(tu) && tu[part] === true) || !isRecord(value)) {
        unknown.push(...(part === 'key' ? c.templatePaths : []));
        if (part === 'state') unknown.push(...stateFields(c.kind));
        continue;
      }
      for (const [p, v] of Object.entries(fields)) setAt(spec, p, v);
    }
    return { spec: spec as unknown as ResourceSpec, unknown: [...new Set(unknown)] };
  }
  const unknown = isRecord(au) ? unknownPaths(au.input) : au === true ? ['(root)'] : [];
  if (!isRecord(after.input) || unknown.includes('(root)')) {
    return { spec: c.spec, unknown: c.templatePaths };
  }
  return { spec: after.input as unknown as ResourceSpec, unknown };
}

/** The object a destroy hook acts on and the policy it acts by, as Terraform will run it. */
function oldObject(
  c: StackConstruct,
  identity: PlanResourceChange | undefined,
  config: PlanResourceChange | undefined,
): ConstructChange['old'] {
  const before = identity?.change.before;
  if (!isRecord(before)) return undefined;
  if (identity?.type === 'null_resource') {
    // The destroy hook's spec is a literal of the current code, with the old key from self.triggers.
    const spec = structuredClone(c.spec) as unknown as Record<string, unknown>;
    if (isRecord(before.triggers)) for (const [p, v] of Object.entries(before.triggers)) setAt(spec, p, v);
    return { spec: spec as unknown as ResourceSpec, removalPolicy: c.spec.removalPolicy };
  }
  // terraform_data: the destroy hook gets self.output, the identity input as last deployed.
  const input = isRecord(before.output) ? before.output : before.input;
  if (!isSpecLike(input)) return undefined;
  const spec = { ...(input as Record<string, unknown>) };
  // The identity of an org has no status and that of a rate limit no percentages: take them from the config.
  const cfgInput = config?.change.before?.input;
  if (isRecord(cfgInput)) for (const f of stateFields(c.kind)) if (!(f in spec)) spec[f] = cfgInput[f];
  return { spec: spec as unknown as ResourceSpec, removalPolicy: input.removalPolicy as RemovalPolicy };
}

/** The desired state recorded in the config's triggers at the last deploy. */
function deployedStateOf(rc: PlanResourceChange | undefined): ResourceState | undefined {
  const before = rc?.change.before;
  if (!isRecord(before)) return undefined;
  const state = isRecord(before.triggers_replace)
    ? before.triggers_replace.state
    : isRecord(before.triggers)
      ? parseJson(before.triggers.state)
      : undefined;
  if (!isRecord(state)) return undefined;
  return state;
}

/** True when the config's recorded desired state changes (or is not known yet). */
function stateChanged(rc: PlanResourceChange | undefined): boolean {
  if (!rc) return false;
  const { before, after, after_unknown: au } = rc.change;
  if (rc.type === 'null_resource') {
    const tu = isRecord(au) ? au.triggers : undefined;
    if (tu === true || (isRecord(tu) && tu.state === true)) return true;
    const b = isRecord(before?.triggers) ? before.triggers.state : undefined;
    const a = isRecord(after?.triggers) ? after.triggers.state : undefined;
    return !sameJson(parseJson(b), parseJson(a));
  }
  const tu = isRecord(au) ? au.triggers_replace : undefined;
  if (tu === true || (isRecord(tu) && unknownPaths(tu.state).length > 0)) return true;
  const b = isRecord(before?.triggers_replace) ? before.triggers_replace.state : undefined;
  const a = isRecord(after?.triggers_replace) ? after.triggers_replace.state : undefined;
  return !sameJson(b, a);
}

/** What an in-place update of the lifecycle resources changes (it runs no hook). */
function inPlaceNotes(kind: ResourceKind, changes: Array<PlanResourceChange | undefined>): string[] {
  const notes = new Set<string>();
  for (const rc of changes) {
    if (!rc || !rc.change.actions.includes('update')) continue;
    const b = rc.change.before?.input;
    const a = rc.change.after?.input;
    const au = isRecord(rc.change.after_unknown) ? rc.change.after_unknown.input : undefined;
    if (!isRecord(b) || !isRecord(a)) {
      notes.add('inputs updated');
      continue;
    }
    if (b.removalPolicy !== a.removalPolicy && a.removalPolicy !== undefined) {
      notes.add(`removal policy ${String(b.removalPolicy)} -> ${String(a.removalPolicy)}`);
    }
    if (kind === 'aerial-org' && b.requestDeletion !== a.requestDeletion && a.requestDeletion !== undefined) {
      notes.add(
        a.requestDeletion ? 'deletion request on destroy added' : 'deletion request on destroy removed',
      );
    }
    const conn = kind === 'principal-rate-limit' ? 'org' : 'account';
    const unknownConn = unknownPaths(au).some((p) => p === conn || p.startsWith(`${conn}.`));
    if (unknownConn || !sameJson(b[conn], a[conn])) notes.add('connection updated');
  }
  return [...notes];
}

/** True when the planned spec names a live object the CLI can read now (its key and connection are known). */
function canRead(p: PlannedSpec): boolean {
  const roots = ['account', 'org', 'principalId', 'principalType'];
  return !p.unknown.some((u) => u === '(root)' || roots.some((r) => u === r || u.startsWith(`${r}.`)));
}

function liveRead(spec: ResourceSpec): LiveRead {
  return { id: liveId(spec), spec };
}

/** Identifies a live object: kind, where its API is, and its natural key. */
export function liveId(spec: ResourceSpec): string {
  if (spec.kind === 'principal-rate-limit') {
    return JSON.stringify([spec.kind, spec.org.orgUrl, spec.principalId, spec.principalType]);
  }
  const ref = spec.org as Record<string, unknown>;
  const org = 'orgId' in ref ? ref.orgId : String(ref.domain).toLowerCase();
  return JSON.stringify([spec.kind, spec.account.baseUrl, spec.account.accountId, org]);
}

// ---------------------------------------------------------------------------------------------------------
// Step 2: in Okta's terms.

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

type Before =
  | { readonly from: 'okta'; readonly state: ResourceState | null }
  | { readonly from: 'state'; readonly state: ResourceState }
  | { readonly from: 'none' };

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

/** The apply hook's upsert of the planned object, against its state before. */
function applyStep(c: ConstructChange, was: Before, labelled: boolean): PlanStep {
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
function destroyStep(
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
        defaultPercentage: DEFAULT_PERCENTAGE,
        defaultConcurrencyPercentage: DEFAULT_PERCENTAGE,
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

function unknownStep(phase: 'apply' | 'destroy'): PlanStep {
  return {
    phase,
    object: 'the object',
    operation: 'unknown',
    writes: 'unknown',
    text: `${phase === 'apply' ? 'apply' : 'destroy handling'} (the plan does not say with which values)`,
  };
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

// ---------------------------------------------------------------------------------------------------------
// Okta's terms.

/** The fields of each kind's desired state (what triggers a config replacement, without principalType). */
function stateFields(kind: ResourceKind): string[] {
  switch (kind) {
    case 'aerial-org':
      return ['status'];
    case 'product-assignment':
      return ['productIds'];
    case 'principal-rate-limit':
      return ['defaultPercentage', 'defaultConcurrencyPercentage'];
  }
}

/** The desired state of a planned spec in the shape of a live state; unknown fields are left out. */
function plannedState(spec: ResourceSpec, isUnknown: (p: string) => boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const s = spec as unknown as Record<string, unknown>;
  for (const f of stateFields(spec.kind)) {
    if (isUnknown(f) || s[f] === undefined) continue;
    out[f] = f === 'productIds' ? [...new Set(asStrings(s[f]))].sort() : s[f];
  }
  return out;
}

function sameState(kind: ResourceKind, a: ResourceState, b: ResourceState): boolean {
  return stateFields(kind).every((f) =>
    f === 'productIds'
      ? sameJson([...new Set(asStrings(a[f]))].sort(), [...new Set(asStrings(b[f]))].sort())
      : a[f] === b[f],
  );
}

/** A state in Okta's words: `ACTIVE`, `[P000052, P000131]`, `30%/20%`. */
function stateText(kind: ResourceKind, state: ResourceState): string {
  switch (kind) {
    case 'aerial-org':
      return 'status' in state ? fmt(state.status) : KNOWN_AFTER_APPLY;
    case 'product-assignment':
      return 'productIds' in state ? fmt(state.productIds) : KNOWN_AFTER_APPLY;
    case 'principal-rate-limit': {
      const pct = (v: unknown): string => (v === undefined ? KNOWN_AFTER_APPLY : `${String(v)}%`);
      return `${pct(state.defaultPercentage)}/${pct(state.defaultConcurrencyPercentage)}`;
    }
  }
}

/** `org 00o...`, `org acme-eu.okta.com (cell eu1)`, `products of org ...`, `rate limit of 00T...`. */
function objectLabel(spec: ResourceSpec, isUnknown: (p: string) => boolean): string {
  if (spec.kind === 'principal-rate-limit') {
    const who =
      isUnknown('principalId') || spec.principalId === undefined ? KNOWN_AFTER_APPLY : spec.principalId;
    return `rate limit of ${who}`;
  }
  const org = orgLabel(spec.org, isUnknown);
  return spec.kind === 'product-assignment' ? `products of ${org}` : org;
}

function orgLabel(ref: OrgRefSpec | undefined, isUnknown: (p: string) => boolean): string {
  if (!isRecord(ref)) return `org ${KNOWN_AFTER_APPLY}`;
  if ('orgId' in ref) return `org ${isUnknown('org.orgId') ? KNOWN_AFTER_APPLY : String(ref.orgId)}`;
  const domain = isUnknown('org.domain') ? KNOWN_AFTER_APPLY : String(ref.domain);
  const cell = isUnknown('org.cell') ? KNOWN_AFTER_APPLY : String(ref.cell);
  return `org ${domain} (cell ${cell})`;
}

/** A drift in Okta's words, code -> Okta: `status ACTIVE -> INACTIVE`, `30%/20% -> 45%/20%`. */
function driftText(kind: ResourceKind, d: DriftEntry): string {
  if (!d.desired || !d.live) {
    return d.fields.map((f) => `${f.field} ${fmt(f.desired)} -> ${fmt(f.live)}`).join(', ');
  }
  const arrow = `${stateText(kind, d.desired)} -> ${stateText(kind, d.live)}`;
  return kind === 'aerial-org'
    ? `status ${arrow}`
    : kind === 'product-assignment'
      ? `products ${arrow}`
      : arrow;
}

function missingWords(kind: ResourceKind): string {
  switch (kind) {
    case 'aerial-org':
      return 'the org is not linked to the account';
    case 'product-assignment':
      return 'the org is not linked to the account';
    case 'principal-rate-limit':
      return 'the principal has no rate limit';
  }
}

/** A value in Okta's words (as `okta-aerial drift` prints it). */
function fmt(value: unknown): string {
  if (Array.isArray(value)) return `[${value.join(', ')}]`;
  if (value === undefined) return '(not set)';
  return String(value);
}

/** Short names where they are unique, construct paths where two constructs share one. */
export function displayNames(paths: readonly string[]): Map<string, string> {
  const short = (p: string): string => p.split('/').pop() || p;
  const count = new Map<string, number>();
  for (const p of paths) count.set(short(p), (count.get(short(p)) ?? 0) + 1);
  return new Map(paths.map((p) => [p, count.get(short(p)) === 1 ? short(p) : p]));
}

// ---------------------------------------------------------------------------------------------------------
// JSON helpers.

function isNoop(actions: readonly PlanAction[]): boolean {
  return actions.every((a) => a === 'no-op' || a === 'read');
}

function isReplace(actions: readonly PlanAction[]): boolean {
  return actions.includes('delete') && actions.includes('create');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isSpecLike(v: unknown): v is Record<string, unknown> & { path: string; kind: ResourceKind } {
  return isRecord(v) && v.v === 1 && typeof v.path === 'string' && KINDS.includes(v.kind as ResourceKind);
}

function asStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

function parseJson(v: unknown): unknown {
  if (typeof v !== 'string') return undefined;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return undefined;
  }
}

/** Equal as JSON with object keys in any order. */
function sameJson(a: unknown, b: unknown): boolean {
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
function pathUnknown(unknown: readonly string[], p: string): boolean {
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

function setAt(obj: Record<string, unknown>, p: string, value: unknown): void {
  const ks = parts(p);
  let node = obj as Record<string | number, unknown>;
  for (const k of ks.slice(0, -1)) {
    if (!isRecord(node[k]) && !Array.isArray(node[k])) node[k] = {};
    node = node[k] as Record<string | number, unknown>;
  }
  node[ks[ks.length - 1]] = value;
}
